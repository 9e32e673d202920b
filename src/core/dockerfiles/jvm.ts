import type { GeneratorMap } from './generator';

export const jvmGenerators: GeneratorMap = {};
