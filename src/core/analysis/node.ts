import type { Detector } from './detector';

export const nodeDetectors: Detector[] = [];
