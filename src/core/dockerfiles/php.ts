import type { GeneratorMap } from './generator';

export const phpGenerators: GeneratorMap = {};
