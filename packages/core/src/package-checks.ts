/**
 * The checks of a credential-provider `Package` and its chart values, shared by the builder and
 * the parser: each takes the value and the issue collector scoped where it sits.
 */
import { ISSUE_CODES } from './errors.ts';
import { checkCacheDuration, checkMatchImages, checkProfileName } from './field-checks.ts';
import {
  describeType,
  type IssueCollector,
  quote,
  readRecord,
  readString,
  readStringMap,
  rejectUnknownKeys,
} from './issues.ts';
import { PACKAGE_NAMESPACE_PREFIX } from './kube-object.ts';
import { checkDns1123Label, checkDns1123Subdomain, checkQualifiedKey } from './names.ts';
import {
  type CredentialProviderPackageConfig,
  type CredentialProviderPackageInit,
  DEFAULT_SOURCE_REGISTRY,
  IMAGE_PULL_POLICIES,
  CHART_KEYS,
} from './package-types.ts';

/** Where each builder field sits in a Package, for messages about a parsed one. */
export const PACKAGE_FIELD_PATHS = {
  clusterName: 'metadata.namespace',
  name: 'metadata.name',
  targetNamespace: 'spec.targetNamespace',
  packageVersion: 'spec.packageVersion',
  annotations: 'metadata.annotations',
  labels: 'metadata.labels',
} as const;

type FieldPaths = Record<Exclude<keyof typeof PACKAGE_FIELD_PATHS, 'clusterName'>, string>;

const INIT_FIELD_PATHS: FieldPaths = {
  name: 'name',
  targetNamespace: 'targetNamespace',
  packageVersion: 'packageVersion',
  annotations: 'annotations',
  labels: 'labels',
};

/** Checks a cluster name: it becomes part of the Package's namespace. */
export function checkClusterName(clusterName: unknown, at: IssueCollector): void {
  if (typeof clusterName !== 'string' || clusterName === '') {
    at.error(
      ISSUE_CODES.REQUIRED,
      'is required: the name of the EKS Anywhere cluster to configure',
    );
    return;
  }
  const bad = checkDns1123Label(clusterName, 63 - PACKAGE_NAMESPACE_PREFIX.length);
  if (bad !== undefined) {
    at.error(
      ISSUE_CODES.INVALID_NAME,
      `${quote(clusterName)} ${bad}; it becomes part of the namespace "${PACKAGE_NAMESPACE_PREFIX}<clusterName>" (a 63-character RFC 1123 label)`,
    );
  }
}

/** Checks the Package fields other than the cluster name. */
export function checkPackageFields(
  init: Omit<CredentialProviderPackageInit, 'clusterName'>,
  issues: IssueCollector,
  paths: FieldPaths = INIT_FIELD_PATHS,
): void {
  if (init.name !== undefined) {
    // The package controller uses the Package name as the Helm release name (53 characters max).
    const bad = checkDns1123Subdomain(init.name, 53);
    if (bad !== undefined)
      issues
        .at(paths.name)
        .error(
          ISSUE_CODES.INVALID_NAME,
          `${quote(init.name)} ${bad}; it is also the Helm release name`,
        );
  }
  if (init.targetNamespace !== undefined) {
    const bad = checkDns1123Label(init.targetNamespace);
    if (bad !== undefined)
      issues
        .at(paths.targetNamespace)
        .error(ISSUE_CODES.INVALID_NAME, `${quote(init.targetNamespace)} ${bad}`);
  }
  if (init.packageVersion !== undefined && !/^\S+$/.test(init.packageVersion)) {
    issues
      .at(paths.packageVersion)
      .error(
        ISSUE_CODES.INVALID_VALUE,
        'must be a version or sha256 digest from the bundle, without spaces; omit it for the latest',
      );
  }
  for (const field of ['annotations', 'labels'] as const) {
    const map = readStringMap(init[field], issues.at(paths[field]));
    for (const key of Object.keys(map ?? {})) {
      const bad = checkQualifiedKey(key);
      if (bad !== undefined)
        issues.at(paths[field], key).error(ISSUE_CODES.INVALID_NAME, `key ${quote(key)} ${bad}`);
    }
  }
}

export function checkConfig(
  config: CredentialProviderPackageConfig,
  at: IssueCollector,
  allowMultiple: boolean,
): void {
  checkSourceRegistry(config.sourceRegistry, at.at('sourceRegistry'));
  checkTolerations(config.tolerations, at.at('tolerations'));
  if (config.image !== undefined) checkImage(config.image, at.at('image'));
  checkCredentials(config.credential, at.at('credential'), allowMultiple);
  if (config.proxy !== undefined) checkProxy(config.proxy, at.at('proxy'));
  readStringMap(config.nodeSelector, at.at('nodeSelector'));
  readStringMap(config.podAnnotations, at.at('podAnnotations'));
  readRecord(config.affinity, at.at('affinity'));
  if (config.resources !== undefined) checkResources(config.resources, at.at('resources'));
  if (config.extraValues !== undefined) {
    for (const key of Object.keys(config.extraValues)) {
      if ((CHART_KEYS as readonly string[]).includes(key)) {
        at.at('extraValues', key).error(
          ISSUE_CODES.INVALID_VALUE,
          `set ${key} through config.${key}, not extraValues`,
        );
      }
    }
  }
}

function checkSourceRegistry(value: unknown, at: IssueCollector): void {
  const s = readString(value, at);
  if (s === undefined) return;
  if (s === '') {
    at.error(
      ISSUE_CODES.REQUIRED,
      `must not be empty: without it the package controller substitutes its private ECR registry, from which nodes cannot pull the provider image before they have ECR credentials; write "${DEFAULT_SOURCE_REGISTRY}"`,
    );
  } else if (s.includes('://'))
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(s)} must be a registry host and path without a scheme, e.g. "${DEFAULT_SOURCE_REGISTRY}"`,
    );
  else if (/\s/.test(s) || s.endsWith('/'))
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(s)} must be a registry host and path without spaces or a trailing "/"`,
    );
}

function checkTolerations(value: unknown, at: IssueCollector): void {
  if (!Array.isArray(value)) {
    at.error(
      ISSUE_CODES.INVALID_TYPE,
      `must be a list of tolerations, found ${describeType(value)}`,
    );
    return;
  }
  value.forEach((t: unknown, i) => {
    const item = at.at(i);
    const rec = readRecord(t, item);
    if (rec === undefined) return;
    rejectUnknownKeys(rec, ['key', 'operator', 'value', 'effect', 'tolerationSeconds'], item);
    readString(rec['key'], item.at('key'));
    const op = readString(rec['operator'], item.at('operator'));
    if (op !== undefined && op !== 'Exists' && op !== 'Equal')
      item
        .at('operator')
        .error(ISSUE_CODES.INVALID_VALUE, `${quote(op)} must be "Exists" or "Equal"`);
    const v = readString(rec['value'], item.at('value'));
    if (op === 'Exists' && v !== undefined && v !== '')
      item.at('value').error(ISSUE_CODES.INVALID_VALUE, 'must be empty when operator is "Exists"');
    const effect = readString(rec['effect'], item.at('effect'));
    if (
      effect !== undefined &&
      effect !== '' &&
      !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)
    ) {
      item
        .at('effect')
        .error(
          ISSUE_CODES.INVALID_VALUE,
          `${quote(effect)} must be "NoSchedule", "PreferNoSchedule" or "NoExecute"`,
        );
    }
    const secs = rec['tolerationSeconds'];
    if (secs !== undefined && !Number.isInteger(secs))
      item
        .at('tolerationSeconds')
        .error(
          ISSUE_CODES.INVALID_TYPE,
          `must be a whole number of seconds, found ${describeType(secs)}`,
        );
  });
}

function checkImage(value: unknown, at: IssueCollector): void {
  const rec = readRecord(value, at);
  if (rec === undefined) return;
  rejectUnknownKeys(rec, ['repository', 'tag', 'digest', 'pullPolicy'], at);
  readString(rec['repository'], at.at('repository'));
  readString(rec['tag'], at.at('tag'));
  const digest = readString(rec['digest'], at.at('digest'));
  if (digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(digest)) {
    at.at('digest').error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(digest)} must be "sha256:" and 64 lower-case hex digits`,
    );
  }
  const policy = readString(rec['pullPolicy'], at.at('pullPolicy'));
  if (policy !== undefined && !Object.values<string>(IMAGE_PULL_POLICIES).includes(policy)) {
    at.at('pullPolicy').error(
      ISSUE_CODES.INVALID_VALUE,
      `${quote(policy)} must be IfNotPresent, Always or Never`,
    );
  }
}

function checkCredentials(value: unknown, at: IssueCollector, allowMultiple: boolean): void {
  if (!Array.isArray(value)) {
    at.error(
      ISSUE_CODES.INVALID_TYPE,
      `must be a list with one credential entry, found ${describeType(value)}`,
    );
    return;
  }
  if (value.length === 0) {
    at.error(
      ISSUE_CODES.REQUIRED,
      'needs one entry: the chart mounts the Secret named in credential[0]',
    );
  } else if (value.length > 1) {
    const message = `has ${value.length} entries, but the chart only uses credential[0] and silently ignores the rest (its DaemonSet mounts one Secret)`;
    if (allowMultiple) at.warn(ISSUE_CODES.MULTIPLE_CREDENTIALS, message);
    else
      at.error(
        ISSUE_CODES.MULTIPLE_CREDENTIALS,
        `${message}; keep one entry, or pass allowMultipleCredentials: true to keep them anyway`,
      );
  }
  value.forEach((c: unknown, i) => {
    const item = at.at(i);
    const rec = readRecord(c, item);
    if (rec === undefined) return;
    rejectUnknownKeys(rec, ['matchImages', 'profile', 'secretName', 'defaultCacheDuration'], item);
    checkMatchImages(rec['matchImages'], item.at('matchImages'));
    const profile = readString(rec['profile'], item.at('profile'));
    if (profile !== undefined) checkProfileName(profile, item.at('profile'));
    const secretName = readString(rec['secretName'], item.at('secretName'));
    if (secretName !== undefined) {
      const bad = checkDns1123Subdomain(secretName);
      if (bad !== undefined)
        item.at('secretName').error(ISSUE_CODES.INVALID_NAME, `${quote(secretName)} ${bad}`);
    }
    const duration = readString(rec['defaultCacheDuration'], item.at('defaultCacheDuration'));
    if (duration !== undefined) checkCacheDuration(duration, item.at('defaultCacheDuration'));
  });
}

function checkProxy(value: unknown, at: IssueCollector): void {
  const rec = readRecord(value, at);
  if (rec === undefined) return;
  for (const key of Object.keys(rec)) {
    if (!['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'].includes(key)) {
      at.at(key).error(
        ISSUE_CODES.UNKNOWN_FIELD,
        'the chart reads only HTTP_PROXY, HTTPS_PROXY and NO_PROXY (upper case)',
      );
    }
  }
  for (const key of ['HTTP_PROXY', 'HTTPS_PROXY'] as const) {
    const url = readString(rec[key], at.at(key));
    // Go's httpproxy retries a value without an http/https/socks5 scheme as "http://" + value.
    const usable =
      url !== undefined &&
      (/^(https?|socks5):\/\//i.test(url) ? URL.canParse(url) : URL.canParse(`http://${url}`));
    if (url !== undefined && url !== '' && !usable) {
      at.at(key).error(
        ISSUE_CODES.INVALID_VALUE,
        'is not a usable proxy URL; write one such as "http://proxy.example.com:3128"',
      );
    }
  }
  readString(rec['NO_PROXY'], at.at('NO_PROXY'));
}

function checkResources(value: unknown, at: IssueCollector): void {
  const rec = readRecord(value, at);
  if (rec === undefined) return;
  rejectUnknownKeys(rec, ['limits', 'requests', 'claims'], at);
  for (const key of ['limits', 'requests'] as const) {
    const m = readRecord(rec[key], at.at(key));
    for (const [k, v] of Object.entries(m ?? {})) {
      if (typeof v !== 'string' && typeof v !== 'number') {
        at.at(key, k).error(
          ISSUE_CODES.INVALID_TYPE,
          `must be a quantity such as "100m" or "64Mi", found ${describeType(v)}`,
        );
      }
    }
  }
}
