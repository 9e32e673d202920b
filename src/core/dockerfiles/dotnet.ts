import type { GeneratorMap } from './generator';

export const dotnetGenerators: GeneratorMap = {};
