import { randomBytes } from 'node:crypto';

// The page the sidebar webview loads. No `vscode` import, so the browser test
// serves exactly this page (same CSP, same nonce rule) outside VS Code.

export interface WebviewPage {
  /** `webview.cspSource`: the only origin styles, fonts and images may come from. */
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  /** Script run before the bundle, under the same nonce (the browser test's API stand-in). */
  prelude?: string;
}

/** A fresh nonce per load: only scripts carrying it run. */
function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export function webviewHtml(page: WebviewPage, nonce = newNonce()): string {
  const csp = [
    "default-src 'none'",
    `style-src ${page.cspSource}`,
    `font-src ${page.cspSource}`,
    `img-src ${page.cspSource} data:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  const prelude = page.prelude ? `\n<script nonce="${nonce}">${page.prelude}</script>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${page.styleUri}">
<title>Devgem</title>
</head>
<body>
<main id="app"></main>${prelude}
<script nonce="${nonce}" src="${page.scriptUri}"></script>
</body>
</html>`;
}
