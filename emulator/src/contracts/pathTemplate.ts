// google.api.http path templates (google/api/http.proto):
//   Template = "/" Segments [ Verb ] ;   Segment = "*" | "**" | LITERAL | Variable ;
//   Variable = "{" FieldPath [ "=" Segments ] "}" ;   Verb = ":" LITERAL ;

type Segment = { kind: 'literal'; text: string } | { kind: 'one' } | { kind: 'many' } | { kind: 'var'; field: string; inner: Segment[] };

export interface PathTemplate {
  text: string;
  segments: Segment[];
  verb?: string;
}

function parseSegments(text: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === '{') {
      const close = text.indexOf('}', i);
      const body = text.slice(i + 1, close);
      const eq = body.indexOf('=');
      const field = eq < 0 ? body : body.slice(0, eq);
      const inner = eq < 0 ? [{ kind: 'one' } as const] : parseSegments(body.slice(eq + 1));
      out.push({ kind: 'var', field, inner });
      i = close + 1;
    } else {
      let end = text.indexOf('/', i);
      if (end < 0) end = text.length;
      const part = text.slice(i, end);
      out.push(part === '*' ? { kind: 'one' } : part === '**' ? { kind: 'many' } : { kind: 'literal', text: part });
      i = end;
    }
    if (text[i] === '/') i++;
  }
  return out;
}

export function parseTemplate(text: string): PathTemplate {
  // The verb follows the last ':' that is outside any {…} variable.
  let depth = 0;
  let colon = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}') depth--;
    else if (text[i] === ':' && depth === 0) colon = i;
  }
  const path = colon < 0 ? text : text.slice(0, colon);
  return { text, segments: parseSegments(path.replace(/^\//, '')), verb: colon < 0 ? undefined : text.slice(colon + 1) };
}

/** A single-segment value is fully decoded; a multi-segment one keeps %2F, as http.proto says the server does. */
function decodeValue(raw: string[], single: boolean): string {
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  if (single) return decode(raw[0]);
  return raw.map((s) => s.split(/%2F/i).map(decode).join('%2F')).join('/');
}

/** Matches `segs` (raw, still encoded) from `at`; calls `done` with each way to consume them. */
function matchFrom(tpl: Segment[], ti: number, segs: string[], at: number, vars: Map<string, string>, done: (end: number) => boolean): boolean {
  if (ti === tpl.length) return done(at);
  const s = tpl[ti];
  if (s.kind === 'literal') return segs[at] === s.text && matchFrom(tpl, ti + 1, segs, at + 1, vars, done);
  // `*` takes one segment, even an empty one: Google then refuses the name as malformed rather than the URL.
  if (s.kind === 'one') return at < segs.length && matchFrom(tpl, ti + 1, segs, at + 1, vars, done);
  if (s.kind === 'many') {
    for (let end = segs.length; end > at; end--) if (matchFrom(tpl, ti + 1, segs, end, vars, done)) return true;
    return false;
  }
  return matchFrom(s.inner, 0, segs, at, vars, (end) => {
    const single = s.inner.length === 1 && s.inner[0].kind === 'one';
    vars.set(s.field, decodeValue(segs.slice(at, end), single));
    if (matchFrom(tpl, ti + 1, segs, end, vars, done)) return true;
    vars.delete(s.field);
    return false;
  });
}

/** The path variables (field path → value) when `rawPath` matches the template, else undefined. */
export function matchTemplate(t: PathTemplate, rawPath: string): Map<string, string> | undefined {
  let path = rawPath.replace(/^\//, '');
  const lastSlash = path.lastIndexOf('/');
  const colon = path.indexOf(':', lastSlash + 1);
  if (t.verb !== undefined) {
    if (colon < 0 || path.slice(colon + 1) !== t.verb) return undefined;
    path = path.slice(0, colon);
  } else if (colon >= 0) {
    return undefined;
  }
  const segs = path.split('/');
  const vars = new Map<string, string>();
  return matchFrom(t.segments, 0, segs, 0, vars, (end) => end === segs.length) ? vars : undefined;
}
