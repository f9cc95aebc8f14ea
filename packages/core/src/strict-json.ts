/**
 * A JSON reader that reports duplicate object keys, which `JSON.parse` silently collapses but the
 * kubelet's strict decoder rejects.
 *
 * @internal
 */

export type StrictJsonResult =
  | { readonly ok: true; readonly value: unknown; readonly duplicates: readonly string[] }
  | { readonly ok: false; readonly error: string };

/** `JSON.parse`, plus the paths of every duplicated key. */
export function parseStrictJson(text: string): StrictJsonResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  return { ok: true, value, duplicates: findDuplicateKeys(text) };
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
        if (top.keys.has(str)) found.push(pathOf(top, str));
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
