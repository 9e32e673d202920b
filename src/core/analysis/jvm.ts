import type { Detector } from './detector';

export const jvmDetectors: Detector[] = [];
