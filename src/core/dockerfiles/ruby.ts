import type { GeneratorMap } from './generator';

export const rubyGenerators: GeneratorMap = {};
