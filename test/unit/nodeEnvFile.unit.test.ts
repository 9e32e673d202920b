// `node --env-file=.env` in a start: .env is never uploaded and node stops when the file is
// missing, so the image's start loads it only if it exists (container suite: node-env-file).
import * as assert from 'node:assert/strict';
import { optionalEnvFiles } from '../../src/core/analysis/nodeEnvFile';

const start = (...value: string[]) => ({ value, evidence: [] });

describe('node: --env-file in the start', () => {
  it('makes a secret env file optional on Node 22 and later, in every form', () => {
    assert.deepEqual(optionalEnvFiles(start('node', '--env-file=.env', 'server.js'), '22').start.value, ['node', '--env-file-if-exists=.env', 'server.js']);
    assert.deepEqual(optionalEnvFiles(start('node', '--env-file', '.env.production', 'server.js'), '24').start.value, [
      'node',
      '--env-file-if-exists=.env.production',
      'server.js',
    ]);
    assert.deepEqual(optionalEnvFiles(start('/bin/sh', '-c', 'exec node --env-file=.env --env-file=.env.local dist/main.js'), undefined).start.value, [
      '/bin/sh',
      '-c',
      'exec node --env-file-if-exists=.env --env-file-if-exists=.env.local dist/main.js',
    ]);
    const { note } = optionalEnvFiles(start('node', '--env-file=.env', 'server.js'), '26');
    assert.match(note ?? '', /Devgem never uploads \.env .* --env-file-if-exists instead/);
  });

  it('drops the flag on a Node without --env-file-if-exists', () => {
    assert.deepEqual(optionalEnvFiles(start('node', '--env-file=.env', 'server.js'), '20').start.value, ['node', 'server.js']);
    assert.deepEqual(optionalEnvFiles(start('node', '--env-file', '.env', 'server.js'), '20').start.value, ['node', 'server.js']);
    assert.deepEqual(optionalEnvFiles(start('/bin/sh', '-c', 'node --env-file=.env server.js'), '20').start.value, ['/bin/sh', '-c', 'node server.js']);
  });

  it('keeps a file that is uploaded (not a secret file) and starts without --env-file as they are', () => {
    const shipped = start('node', '--env-file=config/defaults.conf', 'server.js');
    assert.deepEqual(optionalEnvFiles(shipped, '22'), { start: shipped });
    const plain = start('node', 'server.js');
    assert.deepEqual(optionalEnvFiles(plain, '22'), { start: plain });
    const already = start('node', '--env-file-if-exists=.env', 'server.js');
    assert.deepEqual(optionalEnvFiles(already, '22'), { start: already });
  });
});
