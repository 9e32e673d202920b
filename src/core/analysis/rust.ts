import type { Detector } from './detector';

export const rustDetectors: Detector[] = [];
