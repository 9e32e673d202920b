import type { GeneratorMap } from './generator';

export const rustGenerators: GeneratorMap = {};
