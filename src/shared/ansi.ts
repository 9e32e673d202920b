/* eslint-disable no-control-regex -- finding control characters is what this file is for */
// Build tools colour their output (npm, docker buildx, gradle). Cloud Build
// keeps the escape codes in the log; the log pane and the editor show text.

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks)
// ended by BEL or ST, and the two-byte escapes.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
// Other C0 controls but tab: a stray \r from a progress bar or a CRLF log,
// a bell; a line is one row, so no \n either.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/g;

/** The line as plain text: escape sequences and control characters removed. */
export function stripAnsi(line: string): string {
  // Most lines have neither; skip the regexes for them.
  if (!/[\x00-\x08\x0a-\x1f\x7f]/.test(line)) return line;
  return line.replace(ANSI, '').replace(CONTROL, '');
}
