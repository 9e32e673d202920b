// The host's GitHub endpoint in emulator mode must match what the emulator serves and accepts.
import * as assert from 'node:assert/strict';
import { EMULATOR_GITHUB_TOKEN, gitHubApiBase } from '../../src/adapters/github/gitHubEndpoint';
import { GITHUB_TEST_TOKEN } from '../../emulator/src/server';

describe('GitHub endpoint', () => {
  it("uses the emulator's token and /github base in emulator mode, api.github.com otherwise", () => {
    assert.equal(EMULATOR_GITHUB_TOKEN, GITHUB_TEST_TOKEN);
    assert.equal(gitHubApiBase('127.0.0.1:8123'), 'http://127.0.0.1:8123/github');
    assert.equal(gitHubApiBase(undefined), undefined);
  });
});
