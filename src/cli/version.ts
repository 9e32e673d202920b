// The CLI's --version; the one lookup lives in core/base/version.ts (the Cloud Run clientVersion uses it too).
export { devgemVersion } from '../core/base/version';
