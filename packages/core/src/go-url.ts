/**
 * The parts of Go's `net/url.Parse` (Go 1.26, strict colons) that the kubelet's image matcher
 * depends on, ported line by line from `src/net/url/url.go` and `src/net/netip/netip.go`.
 *
 * Go strings are bytes, so this works on "byte strings": JS strings whose every char code is one
 * byte (0–255) of the UTF-8 input. That keeps percent-decoding, prefix checks and globbing exact
 * even for non-ASCII or invalid UTF-8 input.
 *
 * @internal
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** UTF-8 encodes `text` into a byte string. */
export function toByteString(text: string): string {
  const bytes = encoder.encode(text);
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** Decodes a byte string as UTF-8 (invalid sequences become U+FFFD). */
export function fromByteString(bytes: string): string {
  const buf = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) buf[i] = bytes.charCodeAt(i);
  return decoder.decode(buf);
}

/** The fields of a parsed URL that the matcher reads (byte strings). */
export interface GoUrl {
  /** `host[:port]`, percent-decoded, user info removed. */
  readonly host: string;
  /** Percent-decoded path. */
  readonly path: string;
}

/** Result of {@link goUrlParse}: the URL, or Go's error text. */
export type GoUrlResult =
  { readonly ok: true; readonly url: GoUrl } | { readonly ok: false; readonly error: string };

type Mode = 'host' | 'zone' | 'path' | 'fragment' | 'userPassword';

class GoError extends Error {}

const isHex = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const unhex = (c: number): number =>
  c <= 0x39 ? c - 0x30 : c >= 0x61 ? c - 0x61 + 10 : c - 0x41 + 10;

/** Go's `strconv.Quote` for the byte strings that appear in url errors. */
export function goQuote(bytes: string): string {
  let out = '"';
  const text = fromByteString(bytes);
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function shouldEscapeHost(c: number): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39))
    return false;
  // Sub-delims, ':' for ports, '[' ']' for IPv6, and '<' '>' '"' which Go also lets through.
  if ('!$&\'()*+,;=:[]<>"-_.~'.includes(String.fromCharCode(c))) return false;
  return true;
}

function unescape(s: string, mode: Mode): string {
  let n = 0;
  for (let i = 0; i < s.length;) {
    const c = s.charCodeAt(i);
    if (c === 0x25 /* % */) {
      n++;
      if (i + 2 >= s.length || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) {
        throw new GoError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      }
      const seq = s.slice(i, i + 3);
      if (mode === 'host' && unhex(s.charCodeAt(i + 1)) < 8 && seq !== '%25') {
        throw new GoError(`invalid URL escape ${goQuote(seq)}`);
      }
      if (mode === 'zone') {
        const v = (unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2));
        if (seq !== '%25' && v !== 0x20 && shouldEscapeHost(v)) {
          throw new GoError(`invalid URL escape ${goQuote(seq)}`);
        }
      }
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && shouldEscapeHost(c)) {
        throw new GoError(`invalid character ${goQuote(s[i] ?? '')} in host name`);
      }
      i++;
    }
  }
  if (n === 0) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 0x25) {
      out += String.fromCharCode((unhex(s.charCodeAt(i + 1)) << 4) | unhex(s.charCodeAt(i + 2)));
      i += 2;
    } else {
      out += s.charAt(i);
    }
  }
  return out;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (!port.startsWith(':')) return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function validUserinfo(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) continue;
    if ("-._:~!$&'()*+,;=%@".includes(String.fromCharCode(c))) continue;
    return false;
  }
  return true;
}

/** `netip.ParseAddr` reduced to what `parseHost` asks: is it an address, and is it IPv4? */
function parseIpVersion(s: string): 4 | 6 {
  for (const c of s) {
    if (c === '.') {
      parseIPv4Fields(s, 0, s.length);
      return 4;
    }
    if (c === ':') return parseIPv6(s);
    if (c === '%')
      throw new GoError(`invalid host: ParseAddr(${goQuote(s)}): missing IPv6 address`);
  }
  throw new GoError(`invalid host: ParseAddr(${goQuote(s)}): unable to parse IP`);
}

/** netip's `parseAddrError`: the input, the reason, and where parsing stopped when known. */
function ipError(input: string, msg: string, at = ''): GoError {
  return new GoError(
    `invalid host: ParseAddr(${goQuote(input)}): ${msg}${at === '' ? '' : ` (at ${goQuote(at)})`}`,
  );
}

function parseIPv4Fields(input: string, off: number, end: number): void {
  const s = input.slice(off, end);
  let val = 0;
  let pos = 0;
  let digLen = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      if (digLen === 1 && val === 0) throw ipError(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c - 0x30);
      digLen++;
      if (val > 255) throw ipError(input, 'IPv4 field has value >255');
    } else if (c === 0x2e) {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') {
        throw ipError(input, 'IPv4 field must have at least one digit', s.slice(i));
      }
      if (pos === 3) throw ipError(input, 'IPv4 address too long');
      pos++;
      val = 0;
      digLen = 0;
    } else {
      throw ipError(input, 'unexpected character', s.slice(i));
    }
  }
  if (pos < 3) throw ipError(input, 'IPv4 address too short');
}

function parseIPv6(input: string): 6 {
  let s = input;
  const zoneAt = s.indexOf('%');
  let zone = '';
  if (zoneAt !== -1) {
    zone = s.slice(zoneAt + 1);
    s = s.slice(0, zoneAt);
    if (zone === '') throw ipError(input, 'zone must be a non-empty string');
  }
  let ellipsis = -1;
  if (s.length >= 2 && s.startsWith(':') && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return 6;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const c = s.charCodeAt(off);
      if (!isHex(c)) break;
      acc = acc * 16 + unhex(c);
      if (off > 3) throw ipError(input, 'each group must have 4 or less digits', s);
      if (acc > 0xffff) throw ipError(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0)
      throw ipError(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) {
        throw ipError(
          input,
          'embedded IPv4 address must replace the final 2 fields of the address',
          s,
        );
      }
      if (i + 4 > 16) {
        throw ipError(
          input,
          'too many hex fields to fit an embedded IPv4 at the end of the address',
          s,
        );
      }
      const end = input.length - (zone.length > 0 ? zone.length + 1 : 0);
      parseIPv4Fields(input, end - s.length, end);
      s = '';
      i += 4;
      break;
    }
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (!s.startsWith(':')) throw ipError(input, 'unexpected character, want colon', s);
    if (s.length === 1) throw ipError(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s.startsWith(':')) {
      if (ellipsis >= 0) throw ipError(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) throw ipError(input, 'trailing garbage after address', s);
  if (i < 16) {
    if (ellipsis < 0) throw ipError(input, 'address string too short');
  } else if (ellipsis >= 0) {
    throw ipError(input, 'the :: must expand to at least one field of zeros');
  }
  return 6;
}

function parseHost(host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) throw new GoError('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) throw new GoError("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort))
      throw new GoError(`invalid port ${goQuote(colonPort)} after host`);
    const port = unescape(colonPort, 'host');
    const hostname = host.slice(1, close);
    const zoneAt = hostname.indexOf('%25');
    const unescaped =
      zoneAt >= 0
        ? unescape(hostname.slice(0, zoneAt), 'host') + unescape(hostname.slice(zoneAt), 'zone')
        : unescape(hostname, 'host');
    if (parseIpVersion(unescaped) === 4) throw new GoError('invalid IP-literal');
    return `[${unescaped}]${port}`;
  }
  const first = host.indexOf(':');
  if (first !== -1) {
    // Go 1.26 (godebug urlstrictcolons=1, the default for go1.26 modules such as
    // k8s.io/kubernetes v1.37): an http(s) host may hold only one colon, before the port.
    const colonPort = host.slice(first);
    if (!validOptionalPort(colonPort))
      throw new GoError(`invalid port ${goQuote(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

function parseAuthority(authority: string): string {
  const at = authority.lastIndexOf('@');
  const host = parseHost(at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return host;
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) throw new GoError('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) {
    unescape(userinfo, 'userPassword');
  } else {
    unescape(userinfo.slice(0, colon), 'userPassword');
    unescape(userinfo.slice(colon + 1), 'userPassword');
  }
  return host;
}

/**
 * `url.Parse(raw)` for a raw URL that starts with `https://` (what the kubelet's
 * `ParseSchemelessURL` builds). `raw` is a byte string.
 */
export function goUrlParse(raw: string): GoUrlResult {
  const hashAt = raw.indexOf('#');
  const beforeFragment = hashAt < 0 ? raw : raw.slice(0, hashAt);
  let url: GoUrl;
  try {
    url = parseWithoutFragment(beforeFragment);
  } catch (e) {
    if (e instanceof GoError)
      return { ok: false, error: `parse ${goQuote(beforeFragment)}: ${e.message}` };
    throw e;
  }
  if (hashAt >= 0) {
    try {
      unescape(raw.slice(hashAt + 1), 'fragment');
    } catch (e) {
      if (e instanceof GoError) return { ok: false, error: `parse ${goQuote(raw)}: ${e.message}` };
      throw e;
    }
  }
  return { ok: true, url };
}

function parseWithoutFragment(raw: string): GoUrl {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new GoError('net/url: invalid control character in URL');
  }
  const colon = raw.indexOf(':');
  if (colon <= 0 || !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(raw.slice(0, colon))) {
    // Only ever called with an "https://" prefix; anything else is a programming error.
    throw new Error('goUrlParse expects an https:// URL');
  }
  let rest = raw.slice(colon + 1);
  const q = rest.indexOf('?');
  if (rest.endsWith('?') && q === rest.length - 1) rest = rest.slice(0, -1);
  else if (q >= 0) rest = rest.slice(0, q);

  let host = '';
  if (rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    host = parseAuthority(authority);
  }
  return { host, path: unescape(rest, 'path') };
}

/**
 * Go's `net.SplitHostPort`, falling back as the kubelet's `SplitURL` does: when the host has no
 * valid port, the whole host is the host and the port is empty.
 */
export function goSplitHostPort(hostport: string): { host: string; port: string } {
  const fallback = { host: hostport, port: '' };
  const i = hostport.lastIndexOf(':');
  if (i < 0) return fallback;
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport.startsWith('[')) {
    const end = hostport.indexOf(']');
    if (end < 0 || end + 1 !== i) return fallback;
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return fallback;
  }
  if (hostport.slice(j).includes('[') || hostport.slice(k).includes(']')) return fallback;
  return { host, port: hostport.slice(i + 1) };
}
