// What the Dockerfile review dialog says (src/adapters/vscode/deploy/deployUi.ts):
// for the user's folder, and for a downloaded GitHub repository.
import * as assert from 'node:assert/strict';
import type * as DeployUi from '../../src/adapters/vscode/deploy/deployUi';
import { useVscodeStub } from '../support/vscodeStub';

describe('the Dockerfile review question', () => {
  const subject = useVscodeStub<typeof DeployUi>({}, require.resolve('../../src/adapters/vscode/deploy/deployUi'));

  it('for the open folder: write it there, for later deploys too', () => {
    const q = subject.load().dockerfileQuestion({ path: '/work/shop/Dockerfile', relativePath: 'Dockerfile' }, 'Dockerfile');
    assert.equal(q.button, 'Write and Deploy');
    assert.match(q.message, /Write it to Dockerfile and deploy\?/);
    assert.match(q.detail, /edit this one for later deploys/);
  });

  it('for a GitHub repository: names the repository, ref and commit, says it is for this deploy only and where to commit it, and never shows the temporary path', () => {
    const tmp = '/tmp/devgem-gh-Xa1b2c/mono/services/web/Dockerfile';
    const q = subject.load().dockerfileQuestion(
      {
        path: tmp,
        relativePath: 'services/web/Dockerfile',
        gitHub: { repository: 'acme/mono', ref: 'v1.2', commit: 'abcdef0123456789abcdef0123456789abcdef01' },
      },
      tmp,
    );
    assert.equal(q.button, 'Deploy with It');
    assert.match(q.message, /^acme\/mono \(v1\.2, abcdef0\) has no Dockerfile/);
    assert.match(q.detail, /this deploy only; the repository on GitHub is not changed/);
    assert.match(q.detail, /commit it to the repository as services\/web\/Dockerfile/);
    assert.equal(q.title, 'acme/mono: services/web/Dockerfile (proposed by Devgem)');
    for (const text of Object.values(q)) assert.doesNotMatch(text, /devgem-gh-|\/tmp\//, text);
  });

  it("offers Google's buildpacks as the other button when the deploy may use them, and maps each button to the answer", () => {
    const { dockerfileQuestion, reviewAnswer, BUILDPACKS_BUTTON } = subject.load();
    const plain = dockerfileQuestion({ path: '/work/shop/Dockerfile', relativePath: 'Dockerfile' }, 'Dockerfile');
    assert.equal(plain.buildpacks, undefined, 'not offered unless the deploy may use them');
    const q = dockerfileQuestion({ path: '/work/shop/Dockerfile', relativePath: 'Dockerfile', offerBuildpacks: true }, 'Dockerfile');
    assert.equal(q.buildpacks, BUILDPACKS_BUTTON);
    assert.equal(q.buildpacks, "Use Google's Buildpacks");
    assert.match(q.detail, /no Dockerfile is written; Google Cloud's buildpacks .* choose its runtime/);
    assert.equal(reviewAnswer(q, q.button), true);
    assert.equal(reviewAnswer(q, q.buildpacks), 'buildpacks');
    assert.equal(reviewAnswer(q, undefined), false);
    assert.equal(reviewAnswer(plain, undefined), false, 'closing the dialog is no choice of buildpacks');
  });
});
