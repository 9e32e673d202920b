import { denoDetectors } from './deno';
import type { Detector } from './detector';
import { dotnetDetectors } from './dotnet';
import { goDetectors } from './go';
import { javaPlainDetectors } from './javaPlain';
import { jvmDetectors } from './jvm';
import { miscDetectors } from './misc';
import { nodeDetectors } from './node';
import { phpDetectors } from './php';
import { procfileDetectors } from './procfileOnly';
import { pythonDetectors } from './python';
import { rubyDetectors } from './ruby';
import { rustDetectors } from './rust';
import { staticDetectors } from './staticSite';

/** Every stack detector, most specific first; a folder's best match wins by confidence, then by this order. */
export const DETECTORS: readonly Detector[] = [
  // A deno.json makes a folder Deno's even when it also has a package.json.
  ...denoDetectors,
  ...nodeDetectors,
  ...pythonDetectors,
  ...goDetectors,
  ...jvmDetectors,
  ...javaPlainDetectors,
  ...rubyDetectors,
  ...phpDetectors,
  ...dotnetDetectors,
  ...rustDetectors,
  ...miscDetectors,
  ...staticDetectors,
  ...procfileDetectors,
];
