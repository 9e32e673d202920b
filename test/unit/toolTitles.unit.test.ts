import * as assert from 'node:assert/strict';
import { toolTitle } from '../../src/shared/toolTitles';
import { createToolRegistry } from '../../src/core/agent/tools';

describe('tool titles in the chat', () => {
  it('are words, not function names', () => {
    assert.equal(toolTitle('list_revisions'), 'List revisions');
    assert.equal(toolTitle('get_service_logs'), 'Service logs');
    assert.equal(toolTitle('get_build_logs'), 'Build logs');
    assert.equal(toolTitle('deploy_github_repo'), 'Deploy GitHub repository');
    assert.equal(toolTitle('rollback'), 'Roll back');
  });

  it('every registered tool has one without an underscore', () => {
    for (const { name } of createToolRegistry().list()) assert.doesNotMatch(toolTitle(name), /_/, name);
  });

  it('shows a name that is not an identifier as it is', () => {
    assert.equal(toolTitle('<img src=x onerror=alert(1)>'), '<img src=x onerror=alert(1)>');
  });
});
