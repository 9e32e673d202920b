import type { Detector } from './detector';

export const dotnetDetectors: Detector[] = [];
