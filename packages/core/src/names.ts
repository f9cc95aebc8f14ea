/**
 * Kubernetes name rules (apimachinery `validation.IsDNS1123Label` / `IsDNS1123Subdomain` /
 * `IsQualifiedName`), returning a message or `undefined`.
 *
 * @internal
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** An RFC 1123 label (namespaces, cluster names); returns what is wrong, or `undefined`. @internal */
export function checkDns1123Label(value: string, max = 63): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > max) return `must be at most ${max} characters (found ${value.length})`;
  if (!DNS1123_LABEL.test(value)) {
    return 'must consist of lower-case letters, digits and "-", and start and end with a letter or digit (RFC 1123 label), e.g. "my-cluster"';
  }
  return undefined;
}

/** An RFC 1123 subdomain (most object names); returns what is wrong, or `undefined`. @internal */
export function checkDns1123Subdomain(value: string, max = 253): string | undefined {
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > max) return `must be at most ${max} characters (found ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value)) {
    return 'must consist of lower-case letters, digits, "-" and ".", and start and end with a letter or digit (RFC 1123 subdomain), e.g. "aws-secret"';
  }
  return undefined;
}

/** Annotation and label keys: an optional DNS subdomain prefix and `/`, then a qualified name. */
export function checkQualifiedKey(value: string): string | undefined {
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = slash >= 0 ? value.slice(slash + 1) : value;
  if (prefix !== undefined) {
    const bad = checkDns1123Subdomain(prefix);
    if (bad !== undefined) return `prefix ${JSON.stringify(prefix)} ${bad}`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name)) {
    return 'must be an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit, e.g. "example.com/owner"';
  }
  return undefined;
}
