import type { AppAnalysis } from '../analysis/types';
import { DevgemError } from '../base/errors';
import { dotnetGenerators } from './dotnet';
import type { GeneratedFiles, GeneratorMap } from './generator';
import { goGenerators } from './go';
import { jvmGenerators } from './jvm';
import { miscGenerators } from './misc';
import { nodeGenerators } from './node';
import { phpGenerators } from './php';
import { pythonGenerators } from './python';
import { rubyGenerators } from './ruby';
import { rustGenerators } from './rust';
import { staticGenerators } from './staticSite';

/** Generators that handle `context !== path` (a workspace member built from the root). */
const ROOT_CONTEXT_AWARE = new Set<AppAnalysis['stack']>(['node', 'node-static', 'go']);

const GENERATORS: GeneratorMap = {
  ...nodeGenerators,
  ...pythonGenerators,
  ...goGenerators,
  ...jvmGenerators,
  ...rubyGenerators,
  ...phpGenerators,
  ...dotnetGenerators,
  ...rustGenerators,
  ...miscGenerators,
  ...staticGenerators,
};

/** The Dockerfile and .dockerignore for an app that has no Dockerfile of its own. */
export function generateFiles(app: AppAnalysis): GeneratedFiles {
  const generate = GENERATORS[app.stack];
  if (!generate) {
    throw new DevgemError('failed-precondition', `Devgem cannot write a Dockerfile for ${app.stack} apps yet.`, {
      fix: 'Add a Dockerfile that builds the app and starts it on $PORT, then deploy again.',
    });
  }
  if (app.context !== app.path && !ROOT_CONTEXT_AWARE.has(app.stack)) {
    // A Dockerfile written for the app folder would COPY the wrong files from the workspace root.
    throw new DevgemError(
      'failed-precondition',
      `${app.path} needs the workspace root as its build context, and Devgem cannot write that Dockerfile for ${app.stack} apps yet.`,
      {
        fix: `Add a Dockerfile to ${app.path} that copies what it needs from the workspace root, then deploy again.`,
      },
    );
  }
  return generate(app);
}
