import { CredprovError, ERROR_CODES, isCredprovError } from '@eksa-credprov/core';

/** What the API server said, as far as an error needs it. */
export interface KubeStatusInfo {
  /** HTTP status code. */
  readonly status: number;
  /** `Status.reason`, such as `Forbidden`, `Conflict`, `NotFound`, `Invalid`. */
  readonly reason: string;
  /** `Status.message`, unchanged. */
  readonly serverMessage: string;
  /** HTTP method and path of the request that failed. */
  readonly request: string;
}

/**
 * The Kubernetes API server answered with an error. `status`, `reason` and `serverMessage` are
 * the server's own; the error message adds what to do.
 *
 * @public
 */
export class KubeApiError extends CredprovError implements KubeStatusInfo {
  readonly status: number;
  readonly reason: string;
  readonly serverMessage: string;
  readonly request: string;

  constructor(info: KubeStatusInfo, hint: string) {
    super({
      code: ERROR_CODES.KUBE_API_ERROR,
      message: `${info.request}: ${info.status} ${info.reason}: ${info.serverMessage}${hint === '' ? '' : ` (${hint})`}`,
    });
    this.name = 'KubeApiError';
    this.status = info.status;
    this.reason = info.reason;
    this.serverMessage = info.serverMessage;
    this.request = info.request;
  }
}

/**
 * True when `value` is a {@link KubeApiError}, even from another copy of the package.
 *
 * @public
 */
export function isKubeApiError(value: unknown): value is KubeApiError {
  return (
    isCredprovError(value) &&
    value.code === ERROR_CODES.KUBE_API_ERROR &&
    typeof (value as { status?: unknown }).status === 'number'
  );
}

/** What to do about a Status, from its reason and message. */
export function hintFor(info: KubeStatusInfo): string {
  switch (info.reason) {
    case 'Forbidden': {
      const m =
        /User "([^"]*)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/.exec(
          info.serverMessage,
        );
      if (m === null)
        return "RBAC refused the request: check the kubeconfig user's Role and RoleBinding";
      const [, user, verb, resource, group, namespace] = m;
      return `RBAC does not let "${user ?? ''}" ${verb ?? ''} ${group === undefined || group === '' ? '' : `${group}/`}${resource ?? ''} ${
        namespace === undefined ? 'at cluster scope' : `in namespace "${namespace}"`
      }: grant it with a Role and RoleBinding, or use a kubeconfig user that has it`;
    }
    case 'Conflict': {
      const managers = [...info.serverMessage.matchAll(/conflicts? with "([^"]+)"/g)].map(
        (m) => m[1],
      );
      if (managers.length > 0) {
        return `the fields are owned by field manager ${[...new Set(managers)].map((m) => `"${m ?? ''}"`).join(', ')}: apply with force: true to take them over, or leave them to that manager`;
      }
      return 'the object changed or exists already: read it again and retry';
    }
    case 'NotFound':
      return /namespaces? "[^"]+" not found/.test(info.serverMessage)
        ? 'create the namespace first (ensureNamespace)'
        : 'check the name, namespace and cluster';
    case 'Invalid':
    case 'BadRequest':
      return 'the server rejected the object as written: fix the fields it names';
    case 'Unauthorized':
      return 'the kubeconfig credentials were not accepted: check the token or client certificate, and that they have not expired';
    default:
      return '';
  }
}
