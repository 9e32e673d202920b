import type { GeneratorMap } from './generator';

export const pythonGenerators: GeneratorMap = {};
