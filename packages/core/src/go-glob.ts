/**
 * Go's `path/filepath.Match` on Linux (separator `/`), ported from `src/path/filepath/match.go`.
 * Works on byte strings (see `go-url.ts`); runes are decoded as Go decodes them.
 *
 * @internal
 */

/** Go's `filepath.ErrBadPattern`. */
export class BadPatternError extends Error {
  constructor() {
    super('syntax error in pattern');
  }
}

/** Decodes one UTF-8 rune from a byte string, as `utf8.DecodeRuneInString`. */
function decodeRune(s: string, at: number): { rune: number; size: number } {
  if (at >= s.length) return { rune: 0xfffd, size: 0 };
  const b0 = s.charCodeAt(at);
  if (b0 < 0x80) return { rune: b0, size: 1 };
  let need: number;
  let rune: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) [need, rune] = [1, b0 & 0x1f];
  else if (b0 >= 0xe0 && b0 <= 0xef) [need, rune] = [2, b0 & 0x0f];
  else if (b0 >= 0xf0 && b0 <= 0xf4) [need, rune] = [3, b0 & 0x07];
  else return { rune: 0xfffd, size: 1 };
  for (let k = 1; k <= need; k++) {
    if (at + k >= s.length) return { rune: 0xfffd, size: 1 };
    const b = s.charCodeAt(at + k);
    // Go rejects overlong forms and surrogates through tighter bounds on the second byte.
    let lo = 0x80;
    let hi = 0xbf;
    if (k === 1) {
      if (b0 === 0xe0) lo = 0xa0;
      else if (b0 === 0xed) hi = 0x9f;
      else if (b0 === 0xf0) lo = 0x90;
      else if (b0 === 0xf4) hi = 0x8f;
    }
    if (b < lo || b > hi) return { rune: 0xfffd, size: 1 };
    rune = (rune << 6) | (b & 0x3f);
  }
  return { rune, size: need + 1 };
}

function scanChunk(pattern: string): { star: boolean; chunk: string; rest: string } {
  let star = false;
  while (pattern.length > 0 && pattern.startsWith('*')) {
    pattern = pattern.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < pattern.length; i++) {
    switch (pattern.charAt(i)) {
      case '\\':
        if (i + 1 < pattern.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
      default:
        break;
    }
  }
  return { star, chunk: pattern.slice(0, i), rest: pattern.slice(i) };
}

function getEsc(chunk: string): { r: number; rest: string } {
  if (chunk.length === 0 || chunk.startsWith('-') || chunk.startsWith(']'))
    throw new BadPatternError();
  if (chunk.startsWith('\\')) {
    chunk = chunk.slice(1);
    if (chunk.length === 0) throw new BadPatternError();
  }
  const { rune, size } = decodeRune(chunk, 0);
  if (rune === 0xfffd && size === 1) throw new BadPatternError();
  const rest = chunk.slice(size);
  if (rest.length === 0) throw new BadPatternError();
  return { r: rune, rest };
}

function matchChunk(chunk: string, s: string): { rest: string; ok: boolean } {
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0];
    if (c === '[') {
      let r = 0;
      if (!failed) {
        const d = decodeRune(s, 0);
        r = d.rune;
        s = s.slice(d.size);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk.length > 0 && chunk.startsWith('^')) {
        negated = true;
        chunk = chunk.slice(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk.startsWith(']') && nrange > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEsc(chunk);
        chunk = lo.rest;
        let hi = lo.r;
        if (chunk.startsWith('-')) {
          const h = getEsc(chunk.slice(1));
          hi = h.r;
          chunk = h.rest;
        }
        if (lo.r <= r && r <= hi) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === '?') {
      if (!failed) {
        if (s.startsWith('/')) failed = true;
        s = s.slice(decodeRune(s, 0).size);
      }
      chunk = chunk.slice(1);
    } else {
      if (c === '\\') {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw new BadPatternError();
      }
      if (!failed) {
        if (chunk.charCodeAt(0) !== s.charCodeAt(0)) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? { rest: '', ok: false } : { rest: s, ok: true };
}

/**
 * Reports whether `name` matches the shell pattern `pattern`, exactly as Go's
 * `filepath.Match`. Throws {@link BadPatternError} for a malformed pattern.
 */
export function goFilepathMatch(pattern: string, name: string): boolean {
  outer: while (pattern.length > 0) {
    const scanned = scanChunk(pattern);
    const { star, chunk } = scanned;
    pattern = scanned.rest;
    if (star && chunk === '') return !name.includes('/');
    const first = matchChunk(chunk, name);
    if (first.ok && (first.rest.length === 0 || pattern.length > 0)) {
      name = first.rest;
      continue;
    }
    if (star) {
      for (let i = 0; i < name.length && name[i] !== '/'; i++) {
        const t = matchChunk(chunk, name.slice(i + 1));
        if (t.ok) {
          if (pattern.length === 0 && t.rest.length > 0) continue;
          name = t.rest;
          continue outer;
        }
      }
    }
    while (pattern.length > 0) {
      const next = scanChunk(pattern);
      pattern = next.rest;
      matchChunk(next.chunk, '');
    }
    return false;
  }
  return name.length === 0;
}
