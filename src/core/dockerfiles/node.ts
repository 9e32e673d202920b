import type { GeneratorMap } from './generator';

export const nodeGenerators: GeneratorMap = {};
