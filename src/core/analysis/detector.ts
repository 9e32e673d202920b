import type { DirView } from './dirView';
import type { AppAnalysis } from './types';

/**
 * Recognises one stack in one folder. Returns undefined when the folder is not
 * that stack; never guesses: what it cannot determine it leaves out and notes.
 * Detectors read files only through the DirView (cached, bounded).
 */
export interface Detector {
  readonly name: string;
  detect(view: DirView): Promise<AppAnalysis | undefined>;
}

/** Cloud Run's default and what generated Dockerfiles set PORT to. */
export const DEFAULT_PORT = 8080;
