// Which parts of Cloud Build's docker step the emulator's real builder honours.
import * as assert from 'node:assert/strict';
import { parseBuildArgs } from '../../emulator/src/docker/dockerBuild';

describe("the emulator's real builder: docker step arguments", () => {
  it("takes Devgem's step as sent: Dockerfile, every tag, the context; Cloud Build's network is dropped", () => {
    const args = ['build', '--network=cloudbuild', '-f', 'services/api/Dockerfile', '-t', 'r/p/app:d1', '-t', 'r/p/app:src-abc', '.'];
    assert.deepEqual(parseBuildArgs(args), {
      dockerfile: 'services/api/Dockerfile',
      tags: ['r/p/app:d1', 'r/p/app:src-abc'],
      buildArgs: [],
      context: '.',
      cacheFrom: [],
    });
  });

  it('reads --flag=value forms, build args and a target, and defaults to ./Dockerfile', () => {
    const args = ['build', '--tag=img:1', '--build-arg', 'A=1', '--build-arg=B=2', '--target', 'runtime', '--network', 'cloudbuild', 'app'];
    assert.deepEqual(parseBuildArgs(args), {
      dockerfile: 'Dockerfile',
      tags: ['img:1'],
      buildArgs: ['A=1', 'B=2'],
      target: 'runtime',
      context: 'app',
      cacheFrom: [],
    });
  });

  it("reads Devgem's cache flags: --cache-from as an image or BuildKit's type=registry form; --cache-to and inline-cache build args change nothing else", () => {
    const args = ['build', '--build-arg', 'BUILDKIT_INLINE_CACHE=1', '--cache-from', 'r/p/app:buildcache', '--cache-from=type=registry,ref=r/p/app:old'];
    args.push('--cache-to', 'type=registry,ref=r/p/app:buildcache,mode=max', '--cache-from', 'type=local,src=/tmp/c', '-t', 'r/p/app:d2', '.');
    assert.deepEqual(parseBuildArgs(args), {
      dockerfile: 'Dockerfile',
      tags: ['r/p/app:d2'],
      buildArgs: ['BUILDKIT_INLINE_CACHE=1'],
      context: '.',
      cacheFrom: ['r/p/app:buildcache', 'r/p/app:old'],
    });
  });
});
