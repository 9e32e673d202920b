import type { Detector } from './detector';

export const rubyDetectors: Detector[] = [];
