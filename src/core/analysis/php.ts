import type { Detector } from './detector';

export const phpDetectors: Detector[] = [];
