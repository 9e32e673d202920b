// The offline chat's GitHub deploy requests, and how they differ from folder deploys.
import * as assert from 'node:assert/strict';
import type { ChatIntent } from '../../src/core/chat/intents/chatIntent';
import { parseChatIntent } from '../../src/core/chat/intents/parseChatIntent';

describe('parseChatIntent: deploying a GitHub repository', () => {
  const cases: [string, ChatIntent][] = [
    ['deploy github.com/acme/shop', { kind: 'deploy-github', repository: 'acme/shop' }],
    ['deploy https://github.com/acme/shop.git', { kind: 'deploy-github', repository: 'acme/shop' }],
    ['Deploy github.com/acme/shop at v1.2.0', { kind: 'deploy-github', repository: 'acme/shop', ref: 'v1.2.0' }],
    ['please deploy https://github.com/acme/shop/tree/feature/login', { kind: 'deploy-github', repository: 'acme/shop', ref: 'feature/login' }],
    ['deploy acme/shop@main from github', { kind: 'deploy-github', repository: 'acme/shop', ref: 'main' }],
    ['deploy the github repo acme/shop branch dev', { kind: 'deploy-github', repository: 'acme/shop', ref: 'dev' }],
    [
      'deploy acme/shop from GitHub to europe-west1 as storefront',
      { kind: 'deploy-github', repository: 'acme/shop', region: 'europe-west1', service: 'storefront' },
    ],
    ['ship github.com/acme/shop at 1a2b3c4', { kind: 'deploy-github', repository: 'acme/shop', ref: '1a2b3c4' }],
    // Without "github" an owner/name is a folder of the workspace, as before.
    ['deploy services/api', { kind: 'deploy', appPath: 'services/api' }],
  ];
  for (const [text, intent] of cases) {
    it(`${JSON.stringify(text)} -> ${JSON.stringify(intent)}`, () => assert.deepEqual(parseChatIntent(text), intent));
  }

  const problems: [string, RegExp][] = [
    ['deploy from github', /Say which GitHub repository to deploy/],
    ['deploy github.com/acme', /"github\.com\/acme" is not a GitHub repository/],
    ['deploy github.com/acme/shop at', /Say the branch, tag or commit after "at"/],
    ['deploy github.com/acme/shop at main and more', /I did not understand "and more"/],
    ['deploy github.com/acme/shop as Bad_Name', /Invalid Cloud Run service name/],
    ['deploy github.com/acme/shop github.com/acme/other', /two repositories/],
    ['deploy acme/shop@main from github at dev', /two refs/],
    ['deploy github.com/acme/shop at a..b~1', /not a branch, tag or commit name/],
  ];
  for (const [text, re] of problems) {
    it(`${JSON.stringify(text)} is refused with a clear problem`, () => {
      const intent = parseChatIntent(text);
      assert.equal(intent.kind, 'invalid', JSON.stringify(intent));
      assert.match((intent as { problem: string }).problem, re);
    });
  }
});
