import type { Detector } from './detector';

export const goDetectors: Detector[] = [];
