/**
 * A JSON reader that reports duplicate object keys, which `JSON.parse` silently collapses but the
 * kubelet's strict decoder rejects.
 *
 * @internal
 */

export type StrictJsonResult =
  | { readonly ok: true; readonly value: unknown; readonly duplicates: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** The deepest nesting read: the kubelet's requests and answers are three levels deep. */
export const MAX_JSON_DEPTH = 64;
/** The most duplicate keys listed. */
const MAX_DUPLICATES = 20;

/**
 * `JSON.parse`, plus the paths of every duplicated key (the first 20). Its errors say where, never
 * what: the text may hold a token or password, and V8's messages quote it. Linear in the text;
 * nesting deeper than {@link MAX_JSON_DEPTH} is refused before parsing.
 */
export function parseStrictJson(text: string): StrictJsonResult {
  const depth = maxDepth(text);
  if (depth > MAX_JSON_DEPTH)
    return { ok: false, error: `nested more than ${MAX_JSON_DEPTH} levels deep` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Where, found here: each JavaScript engine words (and places) its own error differently,
    // and the provider runs on V8 (Node) and JavaScriptCore (Bun).
    const at = syntaxErrorAt(text);
    return {
      ok: false,
      error:
        at >= text.length
          ? 'a syntax error (the text ends early)'
          : `a syntax error at position ${at}`,
    };
  }
  return { ok: true, value, duplicates: findDuplicateKeys(text) };
}

/** Thrown inside {@link syntaxErrorAt} to stop at the first error. */
class StopAt extends Error {
  readonly at: number;
  constructor(at: number) {
    super(`JSON syntax error at ${at}`);
    this.at = at;
  }
}

/**
 * The index of the first character where `text` stops being JSON (RFC 8259), or `text.length`
 * when it ends early (or is valid). Linear; recursion is bounded, as nesting was checked first.
 */
export function syntaxErrorAt(text: string): number {
  let i = 0;
  const stop = (at = i): never => {
    throw new StopAt(at);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text.charAt(i))) i++;
  };
  const literal = (word: string): void => {
    for (const c of word) {
      if (text[i] !== c) stop();
      i++;
    }
  };
  const string = (): void => {
    i++; // the opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) stop();
      if (c !== 0x5c) {
        i++;
        continue;
      }
      const escaped = text.charAt(i + 1);
      if (escaped !== '' && '"\\/bfnrt'.includes(escaped)) i += 2;
      else if (escaped === 'u') {
        for (let k = 2; k <= 5; k++) if (!/[0-9a-fA-F]/.test(text.charAt(i + k))) stop(i + k);
        i += 6;
      } else stop(i + 1);
    }
    stop();
  };
  const digit = (): boolean => /[0-9]/.test(text.charAt(i));
  const digits = (): void => {
    if (!digit()) stop();
    while (digit()) i++;
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const members = (close: string, member: () => void): void => {
    i++; // the opening bracket
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      member();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      if (text[i] !== ',') stop();
      i++;
    }
  };
  const value = (): void => {
    space();
    switch (text.charAt(i)) {
      case '{':
        members('}', () => {
          space();
          if (text[i] !== '"') stop();
          string();
          space();
          if (text[i] !== ':') stop();
          i++;
          value();
        });
        break;
      case '[':
        members(']', value);
        break;
      case '"':
        string();
        break;
      case 't':
        literal('true');
        break;
      case 'f':
        literal('false');
        break;
      case 'n':
        literal('null');
        break;
      default:
        number();
    }
  };
  try {
    value();
    space();
    if (i < text.length) stop();
  } catch (e) {
    if (e instanceof StopAt) return Math.min(e.at, text.length);
    throw e;
  }
  return text.length;
}

/** How deeply `text` nests arrays and objects, strings skipped. Linear. */
function maxDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string, escapes included.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++)
        if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > MAX_JSON_DEPTH) return deepest;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/** Scans valid JSON text and lists `path.key` for every key repeated within one object. */
function findDuplicateKeys(text: string): string[] {
  const found: string[] = [];
  const stack: { keys: Set<string>; path: string; isObject: boolean; index: number }[] = [];
  let pendingKey: string | undefined;
  let i = 0;
  const pathOf = (frame: (typeof stack)[number] | undefined, key: string | number): string =>
    frame === undefined
      ? String(key)
      : typeof key === 'number'
        ? `${frame.path}[${key}]`
        : frame.path === ''
          ? key
          : `${frame.path}.${key}`;
  const childPath = (): string => {
    const top = stack.at(-1);
    if (top === undefined) return '';
    return top.isObject ? pathOf(top, pendingKey ?? '') : pathOf(top, top.index);
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '{' || c === '[') {
      stack.push({ keys: new Set(), path: childPath(), isObject: c === '{', index: 0 });
      pendingKey = undefined;
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const str = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      while (/\s/.test(text[i] ?? '')) i++;
      const top = stack.at(-1);
      if (text[i] === ':' && top?.isObject === true) {
        if (top.keys.has(str) && found.length < MAX_DUPLICATES) found.push(pathOf(top, str));
        top.keys.add(str);
        pendingKey = str;
        i++;
      }
    } else if (c === ',') {
      const top = stack.at(-1);
      if (top !== undefined && !top.isObject) top.index++;
      i++;
    } else {
      i++;
    }
  }
  return found;
}
