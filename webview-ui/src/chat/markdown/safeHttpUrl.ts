// Whether a link may point somewhere: links in replies and link clicks the
// webview forwards to the host both pass through here.

/** Longest URL a link may carry: the host rejects longer ones (messageValidation.ts). */
export const MAX_URL_LENGTH = 2048;

/** The URL normalised when it is an absolute http(s) URL the host will open; otherwise undefined. */
export function safeHttpUrl(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- a URL with control characters is refused, not opened
  if (raw.length > MAX_URL_LENGTH || /[\s\u0000-\u001f]/.test(raw)) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.href.length <= MAX_URL_LENGTH ? url.href : undefined;
}
