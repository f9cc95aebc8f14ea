import { requireObject } from './input.ts';
import { ISSUE_CODES, ValidationError } from './errors.ts';
import {
  base64,
  checkSecretMetadata,
  checkSecretValue,
  renderSecret,
  type Secret,
} from './kube-secret.ts';
import { createIssueCollector } from './issues.ts';

/**
 * Input for {@link createDockerConfigSecret}.
 *
 * @public
 */
export interface DockerConfigSecretInit {
  readonly name: string;
  /** @default `"eksa-packages"` */
  readonly namespace?: string;
  /** Credentials by registry host, such as `123456789012.dkr.ecr.us-west-2.amazonaws.com`. */
  readonly auths: Readonly<
    Record<string, { readonly username: string; readonly password: string }>
  >;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Builds an image pull Secret (`kubernetes.io/dockerconfigjson`) from registry credentials, such
 * as an ECR authorization token (username `AWS`).
 *
 * @throws {@link ValidationError} for an empty or malformed registry, username or password
 * (the password is never quoted).
 * @see https://kubernetes.io/docs/concepts/configuration/secret/#docker-config-secrets
 * @public
 */
export function createDockerConfigSecret(init: DockerConfigSecretInit): Secret {
  requireObject(init, 'createDockerConfigSecret');
  const issues = createIssueCollector();
  if (typeof init.name !== 'string' || init.name === '')
    issues.at('name').error(ISSUE_CODES.REQUIRED, 'is required');
  else checkSecretMetadata(init, issues);
  const registries = Object.keys(init.auths);
  if (registries.length === 0)
    issues.at('auths').error(ISSUE_CODES.REQUIRED, 'needs at least one registry');
  const auths: Record<string, { username: string; password: string; auth: string }> = {};
  for (const [registry, creds] of Object.entries(init.auths)) {
    if (!/^[^\s/]+(\/\S*)?$/.test(registry)) {
      issues
        .at(`auths.${registry}`)
        .error(
          ISSUE_CODES.INVALID_VALUE,
          'must be a registry host such as "123456789012.dkr.ecr.us-west-2.amazonaws.com"',
        );
    }
    if (
      typeof creds.username !== 'string' ||
      creds.username === '' ||
      creds.username.includes(':')
    ) {
      issues
        .at(`auths.${registry}.username`)
        .error(ISSUE_CODES.INVALID_VALUE, 'must be a non-empty user name without ":"');
    }
    checkSecretValue(creds.password, issues.at(`auths.${registry}.password`), 'password');
    auths[registry] = {
      username: creds.username,
      password: creds.password,
      auth: base64(`${creds.username}:${creds.password}`),
    };
  }
  if (issues.errors.length > 0)
    throw new ValidationError('invalid image pull Secret', issues.errors);
  return renderSecret(init, {
    defaultName: init.name,
    data: { '.dockerconfigjson': base64(JSON.stringify({ auths })) },
    type: 'kubernetes.io/dockerconfigjson',
  });
}
