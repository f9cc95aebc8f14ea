/**
 * A Kubernetes `Secret` as this SDK writes and reads it: rendering with its metadata, the checks
 * every Secret builder shares, and reading `data` and `stringData` back. Used by the AWS
 * credentials Secret, the IAM Roles Anywhere Secret and the image pull Secret.
 */
import { dropUndefined } from './defined.ts';
import { ISSUE_CODES } from './errors.ts';
import { describeType, quote, readRecord, readStringMap, type IssueCollector } from './issues.ts';
import { DEFAULT_TARGET_NAMESPACE, type ObjectMeta } from './kube-object.ts';
import { checkDns1123Label, checkDns1123Subdomain } from './names.ts';

/** Group-version-kind of a core `Secret`. @public */
export const SECRET_GVK = { apiVersion: 'v1', kind: 'Secret' } as const;

/**
 * A core `Secret` with base64 `data`.
 *
 * @public
 */
export interface Secret {
  readonly apiVersion: typeof SECRET_GVK.apiVersion;
  readonly kind: typeof SECRET_GVK.kind;
  readonly metadata: ObjectMeta & { readonly namespace: string };
  readonly type: string;
  readonly data: Readonly<Record<string, string>>;
}

/** @internal */
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** @internal Checks a secret value without ever echoing it. */
export function checkSecretValue(
  value: unknown,
  at: IssueCollector,
  what: string,
): value is string {
  if (typeof value !== 'string' || value === '') {
    at.error(
      value === undefined || value === '' ? ISSUE_CODES.REQUIRED : ISSUE_CODES.INVALID_TYPE,
      `is required: the ${what}${value === undefined || value === '' ? '' : ` (found ${describeType(value)})`}`,
    );
    return false;
  }
  if (value !== value.trim()) {
    at.error(
      ISSUE_CODES.SURROUNDING_WHITESPACE,
      `has leading or trailing white space (often a newline from "echo" or a file); the provider would send it to AWS as part of the ${what}: remove it`,
    );
    return false;
  }
  if (/[\s'"]/.test(value)) {
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `contains white space or quotes, which no AWS ${what} has; check what was pasted`,
    );
    return false;
  }
  return true;
}

/** @internal */
export function checkSecretMetadata(
  init: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: unknown;
    readonly annotations?: unknown;
  },
  issues: IssueCollector,
): void {
  if (init.name !== undefined) {
    const bad = checkDns1123Subdomain(init.name);
    if (bad !== undefined)
      issues.at('name').error(ISSUE_CODES.INVALID_NAME, `${quote(init.name)} ${bad}`);
  }
  if (init.namespace !== undefined) {
    const bad = checkDns1123Label(init.namespace);
    if (bad !== undefined)
      issues.at('namespace').error(ISSUE_CODES.INVALID_NAME, `${quote(init.namespace)} ${bad}`);
  }
  readStringMap(init.labels, issues.at('labels'));
  readStringMap(init.annotations, issues.at('annotations'));
}

/**
 * @internal A Secret with the caller's metadata (name, namespace, labels, annotations), the
 * namespace defaulting to the chart's, and `content`: its default name, base64 `data` and type.
 */
export function renderSecret(
  init: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  },
  content: {
    readonly defaultName: string;
    readonly data: Record<string, string>;
    /** @default `Opaque` */
    readonly type?: string;
  },
): Secret {
  const metadata: ObjectMeta & { namespace: string } = {
    name: init.name ?? content.defaultName,
    namespace: init.namespace ?? DEFAULT_TARGET_NAMESPACE,
    ...dropUndefined({ labels: init.labels, annotations: init.annotations }),
  };
  return {
    apiVersion: SECRET_GVK.apiVersion,
    kind: SECRET_GVK.kind,
    metadata,
    type: content.type ?? 'Opaque',
    data: content.data,
  };
}

/** @internal Reads a Secret's `data` (base64) and `stringData`, merged as the API server does. */
export function readSecretData(
  secret: Record<string, unknown>,
  issues: IssueCollector,
): Record<string, string> {
  const out: Record<string, string> = {};
  const data = readRecord(secret['data'], issues.at('data')) ?? {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) {
      issues
        .at('data', k)
        .error(
          ISSUE_CODES.INVALID_VALUE,
          'is not base64: Secret data values must be base64-encoded (or use stringData)',
        );
      continue;
    }
    out[k] = Buffer.from(v, 'base64').toString('utf8');
  }
  const stringData = readRecord(secret['stringData'], issues.at('stringData')) ?? {};
  for (const [k, v] of Object.entries(stringData)) {
    if (typeof v === 'string') out[k] = v;
    else
      issues
        .at('stringData', k)
        .error(ISSUE_CODES.INVALID_TYPE, `must be a string, found ${describeType(v)}`);
  }
  return out;
}
