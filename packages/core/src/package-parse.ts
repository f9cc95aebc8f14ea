/**
 * Reading a credential-provider `Package` written elsewhere (YAML or JSON from a cluster or a
 * file): every problem and warning, with the chart's behaviour for what is missing.
 */
import { dropUndefined } from './defined.ts';
import { ISSUE_CODES, isValidationError, type ValidationIssue } from './errors.ts';
import {
  createIssueCollector,
  describeType,
  isRecord,
  type IssueCollector,
  quote,
  readRecord,
  readString,
  readStringMap,
  rejectUnknownKeys,
} from './issues.ts';
import { DEFAULT_TARGET_NAMESPACE, PACKAGE_NAMESPACE_PREFIX } from './kube-object.ts';
import {
  checkClusterName,
  checkConfig,
  checkPackageFields,
  PACKAGE_FIELD_PATHS,
} from './package-checks.ts';
import {
  CREDENTIAL_PROVIDER_PACKAGE_NAME,
  type CredentialConfig,
  type CredentialProviderPackageConfig,
  type CredentialProviderPackageInit,
  DEFAULT_CACHE_DURATION,
  type Package,
  PACKAGE_GVK,
  type PackageStatus,
  type ParseCredentialProviderPackageOptions,
  type ParsedCredentialProviderPackage,
  CHART_KEYS,
} from './package-types.ts';
import { parseYaml } from './yaml.ts';

/**
 * Reads a credential-provider `Package` (YAML text, or an object such as one read from a cluster)
 * into typed form, checking it as {@link createCredentialProviderPackage} checks its input.
 *
 * @throws {@link ValidationError} listing every problem, including YAML syntax errors in
 * `spec.config` with their line and column.
 * @public
 */
export function parseCredentialProviderPackage(
  input: unknown,
  options: ParseCredentialProviderPackageOptions = {},
): ParsedCredentialProviderPackage {
  const issues = createIssueCollector();
  const parsed = readPackage(input, issues, options.allowMultipleCredentials === true);
  issues.throwIfErrors('invalid credential-provider Package');
  if (parsed === undefined) throw new Error('unreachable: a Package without errors was not read');
  return { ...parsed, warnings: issues.warnings };
}

/**
 * Checks a credential-provider `Package` (YAML text or object) without throwing.
 *
 * @returns every error and warning found; the Package is valid when `errors` is empty.
 * @public
 */
export function validateCredentialProviderPackage(
  input: unknown,
  options: ParseCredentialProviderPackageOptions = {},
): { readonly errors: readonly ValidationIssue[]; readonly warnings: readonly ValidationIssue[] } {
  const issues = createIssueCollector();
  try {
    readPackage(input, issues, options.allowMultipleCredentials === true);
  } catch (e) {
    if (!isValidationError(e)) throw e;
    for (const i of e.issues) issues.at(i.path).error(i.code, i.message, i);
  }
  return { errors: issues.errors, warnings: issues.warnings };
}

/**
 * True when `value` looks like a Package (`apiVersion` and `kind` match {@link PACKAGE_GVK}).
 *
 * @public
 */
export function isPackage(value: unknown): value is Package {
  return (
    isRecord(value) &&
    value['apiVersion'] === PACKAGE_GVK.apiVersion &&
    value['kind'] === PACKAGE_GVK.kind &&
    isRecord(value['metadata']) &&
    isRecord(value['spec'])
  );
}

type ReadPackage = Omit<ParsedCredentialProviderPackage, 'warnings'>;

function readPackage(
  input: unknown,
  issues: IssueCollector,
  allowMultiple: boolean,
): ReadPackage | undefined {
  let obj = input;
  if (typeof input === 'string') {
    const docs = parseYaml(input);
    if (docs.length !== 1) {
      issues.error(
        ISSUE_CODES.INVALID_VALUE,
        `expected one YAML document with a Package, found ${docs.length}`,
      );
      return undefined;
    }
    obj = docs[0];
  }
  if (!isRecord(obj)) {
    issues.error(ISSUE_CODES.INVALID_TYPE, `expected a Package object, found ${describeType(obj)}`);
    return undefined;
  }
  if (obj['apiVersion'] !== PACKAGE_GVK.apiVersion || obj['kind'] !== PACKAGE_GVK.kind) {
    issues.error(
      ISSUE_CODES.UNSUPPORTED_KIND,
      `expected apiVersion "${PACKAGE_GVK.apiVersion}" and kind "Package", found ${quote(String(obj['apiVersion']))} and ${quote(String(obj['kind']))}`,
    );
    return undefined;
  }
  rejectUnknownKeys(obj, ['apiVersion', 'kind', 'metadata', 'spec', 'status'], issues);
  const metadata = readRecord(obj['metadata'], issues.at('metadata')) ?? {};
  const spec = readRecord(obj['spec'], issues.at('spec')) ?? {};
  const name = readString(metadata['name'], issues.at('metadata.name'));
  const namespace = readString(metadata['namespace'], issues.at('metadata.namespace'));
  let clusterName = '';
  if (namespace === undefined || namespace === '') {
    issues
      .at('metadata.namespace')
      .error(
        ISSUE_CODES.REQUIRED,
        `is required: Packages live in "${PACKAGE_NAMESPACE_PREFIX}<clusterName>" on the management cluster`,
      );
  } else if (!namespace.startsWith(PACKAGE_NAMESPACE_PREFIX)) {
    issues
      .at('metadata.namespace')
      .error(
        ISSUE_CODES.INVALID_VALUE,
        namespace === DEFAULT_TARGET_NAMESPACE
          ? `"${DEFAULT_TARGET_NAMESPACE}" is the deprecated form; move the Package to "${PACKAGE_NAMESPACE_PREFIX}<clusterName>"`
          : `${quote(namespace)} must be "${PACKAGE_NAMESPACE_PREFIX}<clusterName>" (the controller ignores Packages elsewhere)`,
      );
  } else {
    clusterName = namespace.slice(PACKAGE_NAMESPACE_PREFIX.length);
  }
  const packageName = readString(spec['packageName'], issues.at('spec.packageName'));
  if (packageName?.toLowerCase() !== CREDENTIAL_PROVIDER_PACKAGE_NAME) {
    issues
      .at('spec.packageName')
      .error(
        ISSUE_CODES.UNSUPPORTED_KIND,
        `must be "${CREDENTIAL_PROVIDER_PACKAGE_NAME}", found ${packageName === undefined ? 'nothing' : quote(packageName)}`,
      );
  }
  rejectUnknownKeys(
    spec,
    ['packageName', 'packageVersion', 'config', 'targetNamespace'],
    issues.at('spec'),
  );
  const configText = readString(spec['config'], issues.at('spec.config')) ?? '';
  const config = readConfig(configText, issues);
  const annotations = readStringMap(metadata['annotations'], issues.at('metadata.annotations'));
  const labels = readStringMap(metadata['labels'], issues.at('metadata.labels'));
  const init: CredentialProviderPackageInit = dropUndefined({
    clusterName,
    name,
    targetNamespace: readString(spec['targetNamespace'], issues.at('spec.targetNamespace')),
    annotations: annotations ?? {},
    labels,
    packageVersion: readString(spec['packageVersion'], issues.at('spec.packageVersion')),
  });
  // A missing or misplaced namespace was reported above; check the name only when there is one.
  if (clusterName !== '') checkClusterName(clusterName, issues.at(PACKAGE_FIELD_PATHS.clusterName));
  checkPackageFields(init, issues, PACKAGE_FIELD_PATHS);
  if (config === undefined || name === undefined) return undefined;
  checkConfig(config, issues.at('spec.config'), allowMultiple);
  return dropUndefined({
    ...init,
    name,
    config,
    allowMultipleCredentials: config.credential.length > 1 ? (true as const) : undefined,
    status: isRecord(obj['status']) ? (obj['status'] as PackageStatus) : undefined,
  });
}

function readConfig(
  text: string,
  issues: IssueCollector,
): CredentialProviderPackageConfig | undefined {
  let values: unknown = {};
  if (text.trim() !== '') {
    try {
      const docs = parseYaml(text);
      values = docs[0] ?? {};
    } catch (e) {
      if (isValidationError(e)) {
        // Where in the embedded document: the line and column of the YAML parser's issue.
        for (const i of e.issues) issues.at('spec.config').error(i.code, i.message, i);
        return undefined;
      }
      throw e;
    }
  }
  if (!isRecord(values)) {
    issues
      .at('spec.config')
      .error(
        ISSUE_CODES.INVALID_TYPE,
        `must be a YAML map of chart values, found ${describeType(values)}`,
      );
    return undefined;
  }
  const extra = Object.fromEntries(
    Object.entries(values).filter(([k]) => !(CHART_KEYS as readonly string[]).includes(k)),
  );
  // Missing keys keep the chart's defaults (not the builder's): the parse reflects what is written.
  // The values are checked afterwards (checkConfig), as the builder's are: here they are only
  // placed, with the chart's own defaults for the three it always renders.
  const modelled = Object.fromEntries(
    CHART_KEYS.map((key) => [key, values[key]]),
  ) as Partial<CredentialProviderPackageConfig>;
  return dropUndefined({
    ...modelled,
    tolerations: modelled.tolerations ?? [],
    sourceRegistry: modelled.sourceRegistry ?? '',
    credential: readCredentialDefaults(values['credential'], issues),
    extraValues: Object.keys(extra).length > 0 ? extra : undefined,
  });
}

// What the chart does when keys are missing from `spec.config`: Helm replaces lists wholesale,
// so a missing `credential` takes the chart's one default entry, while a missing key inside an
// entry renders as an empty env value, and the provider image then applies its own defaults.
const CHART_DEFAULT_CREDENTIAL: CredentialConfig = {
  matchImages: [],
  profile: 'default',
  secretName: 'aws-secret',
  defaultCacheDuration: DEFAULT_CACHE_DURATION,
};
const PROVIDER_IMAGE_DEFAULT_CACHE_DURATION = '30m';

function readCredentialDefaults(
  value: unknown,
  issues: IssueCollector,
): readonly CredentialConfig[] {
  if (value === undefined) return [CHART_DEFAULT_CREDENTIAL];
  if (!Array.isArray(value)) return value as readonly CredentialConfig[];
  return value.map((entry: unknown, i) => {
    if (!isRecord(entry)) return entry as CredentialConfig;
    const at = issues.at('spec.config', 'credential', i);
    const out: Record<string, unknown> = { ...entry };
    if (entry['profile'] === undefined) {
      at.at('profile').error(
        ISSUE_CODES.REQUIRED,
        'is missing: the chart then sets AWS_PROFILE to "" and the provider image uses the profile "eksa-packages", which the Secret does not have; write profile: "default"',
      );
    }
    if (entry['secretName'] === undefined) {
      at.at('secretName').error(
        ISSUE_CODES.REQUIRED,
        'is missing: the DaemonSet would mount a Secret with no name; write secretName: "aws-secret"',
      );
    }
    if (entry['matchImages'] === undefined) out['matchImages'] = [];
    if (entry['defaultCacheDuration'] === undefined) {
      out['defaultCacheDuration'] = PROVIDER_IMAGE_DEFAULT_CACHE_DURATION;
      at.at('defaultCacheDuration').warn(
        ISSUE_CODES.REQUIRED,
        `is missing: the provider image then uses "${PROVIDER_IMAGE_DEFAULT_CACHE_DURATION}"; write it explicitly`,
      );
    }
    return out as unknown as CredentialConfig;
  });
}
