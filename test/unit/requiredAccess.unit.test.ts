// Least privilege (issue 7): README's setup section and core/requiredAccess.ts
// name the same APIs and roles, in both directions, so the preflight checks
// what the user was told to grant and nothing the user was not told about.
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SECRET_ACCESSOR_ROLE } from '../../src/core/env/envImport';
import { REQUIRED_APIS, REQUIRED_ROLES, requiredPermissions, roleFor } from '../../src/core/deploy/requiredAccess';

const README = path.join(__dirname, '..', '..', '..', 'README.md');

function bothWays(readme: string[], code: string[], what: string): void {
  const notInCode = readme.filter((x) => !code.includes(x));
  const notInReadme = code.filter((x) => !readme.includes(x));
  assert.deepEqual({ notInCode, notInReadme }, { notInCode: [], notInReadme: [] }, `${what}: README and requiredAccess.ts differ`);
  assert.equal(new Set(readme).size, readme.length, `${what} listed twice in README`);
}

describe('least privilege: README and requiredAccess.ts', () => {
  let readme: string;
  before(async () => {
    readme = await fs.readFile(README, 'utf8');
  });

  it('the APIs README says to enable are exactly the required ones', () => {
    const line = /gcloud services enable ([^`\n]+)`/.exec(readme)?.[1];
    assert.ok(line, 'README has the enable command');
    bothWays(
      line.trim().split(/\s+/),
      REQUIRED_APIS.map((a) => a.name),
      'APIs',
    );
  });

  it('the roles README lists are exactly the declared ones, each with its reason', () => {
    const section = readme.split('Your account needs these roles on the project:')[1]?.split('\n\n')[0] ?? '';
    const items = section.split('\n').filter((l) => l.startsWith('- '));
    assert.ok(items.length >= 5, 'README has the role list');
    const listed = items.map((l) => /^- `(roles\/[^`]+)`/.exec(l)?.[1] ?? `unparsed line: ${l}`);
    bothWays(
      listed,
      REQUIRED_ROLES.map((r) => r.role),
      'roles',
    );
    for (const r of REQUIRED_ROLES)
      assert.ok(items.includes(`- \`${r.role}\`, ${r.why};`) || items.includes(`- \`${r.role}\`, ${r.why}.`), `README gives the reason for ${r.role}`);
  });

  it('every permission the preflight tests maps back to a listed role, and no role is listed twice', () => {
    const perms = requiredPermissions();
    assert.equal(new Set(perms).size, perms.length, 'a permission belongs to one role');
    for (const p of perms) assert.notEqual(roleFor(p), 'roles/editor', `${p} has a role to grant`);
    for (const r of REQUIRED_ROLES) assert.ok(!/^roles\/(owner|editor)$/.test(r.role), `${r.role} is too broad to ask for`);
  });

  it('the .env import, which creates secrets and grants the runtime account access to them, has its role listed', () => {
    assert.equal(SECRET_ACCESSOR_ROLE, 'roles/secretmanager.secretAccessor');
    const role = REQUIRED_ROLES.find((r) => r.role.startsWith('roles/secretmanager.'));
    assert.ok(role, 'a Secret Manager role is listed');
    // Granting secretAccessor on a secret needs secretmanager.secrets.setIamPolicy, which only the admin role holds.
    assert.equal(role.role, 'roles/secretmanager.admin');
    assert.match(role.why, /\.env import/);
  });
});
