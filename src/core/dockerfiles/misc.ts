import type { GeneratorMap } from './generator';

export const miscGenerators: GeneratorMap = {};
