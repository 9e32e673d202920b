// Where Devgem's GitHub calls go, without loading Octokit: the host decides this
// before it requires dist/github.js.

/**
 * The token the emulator's GitHub accepts (GITHUB_TEST_TOKEN in
 * emulator/src/github.ts; a unit test keeps the two equal). Against the
 * emulator there is no real GitHub account to sign in with (code-server has no
 * GitHub sign-in), so `npm start` offline can still list and deploy its repositories.
 */
export const EMULATOR_GITHUB_TOKEN = 'ghu_devgem_emulator_token';

/** The emulator's GitHub REST subset when Devgem runs against it; undefined = api.github.com (Octokit's default). */
export function gitHubApiBase(emulatorHost: string | undefined): string | undefined {
  return emulatorHost ? `http://${emulatorHost}/github` : undefined;
}
