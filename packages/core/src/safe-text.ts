/**
 * Text from elsewhere (a server's error, a file, a command line) made safe to put in a message: cut
 * to a length, control characters escaped, and known secrets replaced.
 */
import { requireString } from './input.ts';

/** Options of {@link safeText}. @public */
export interface SafeTextOptions {
  /** The most characters kept; longer text is cut and marked `…(N more characters)`. @default 300 */
  readonly max?: number;
  /** Values replaced by `<redacted>` wherever they appear (empty and very short values are ignored). */
  readonly secrets?: Iterable<string>;
}

/**
 * Makes `text` safe to print in an error message or log: every known secret replaced by
 * `<redacted>`, control characters (terminal escape sequences, line breaks) escaped as `\xNN` or
 * `\uNNNN`, and the result cut to `max` characters. Linear in the text and the secrets.
 *
 * @example
 * ```ts
 * safeText(serverMessage, { secrets: [sessionToken] });
 * ```
 * @public
 */
export function safeText(text: string, options: SafeTextOptions = {}): string {
  requireString(text, 'safeText');
  const max = options.max ?? 300;
  let out = text;
  const secrets = [...(options.secrets ?? [])].filter((s) => s.length >= 4);
  // Longest first, so that a secret containing another is replaced whole.
  for (const secret of secrets.sort((a, b) => b.length - a.length))
    out = out.split(secret).join('<redacted>');
  const cut = out.length > max ? out.slice(0, max) : out;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what it escapes
  const escaped = cut.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  return out.length > max ? `${escaped}…(${out.length - max} more characters)` : escaped;
}
