import type { GeneratorMap } from './generator';

export const goGenerators: GeneratorMap = {};
