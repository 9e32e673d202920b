import type { Detector } from './detector';

export const miscDetectors: Detector[] = [];
