import type { Detector } from './detector';

export const pythonDetectors: Detector[] = [];
