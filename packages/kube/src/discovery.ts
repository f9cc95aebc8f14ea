import { CredprovError, ERROR_CODES } from '@eksa-credprov/core';
import type { CallContext } from './options.ts';
import type { Transport } from './transport.ts';

/** Where a kind is served. */
export interface ResourceInfo {
  readonly plural: string;
  readonly namespaced: boolean;
}

// The kinds this SDK applies most, so the common path needs no discovery round trip.
const KNOWN: Readonly<Record<string, ResourceInfo>> = {
  'v1/Secret': { plural: 'secrets', namespaced: true },
  'v1/ConfigMap': { plural: 'configmaps', namespaced: true },
  'v1/Namespace': { plural: 'namespaces', namespaced: false },
  'packages.eks.amazonaws.com/v1alpha1/Package': { plural: 'packages', namespaced: true },
};

const discovered = new WeakMap<Transport, Map<string, Promise<Map<string, ResourceInfo>>>>();

/** The REST collection path prefix of an apiVersion: `/api/v1` or `/apis/<group>/<version>`. */
export function apiPrefix(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** Finds the plural name and scope of a kind, from the table above or API discovery (cached). */
export async function resourceFor(
  ctx: CallContext,
  apiVersion: string,
  kind: string,
): Promise<ResourceInfo> {
  const known = KNOWN[`${apiVersion}/${kind}`];
  if (known !== undefined) return known;
  let perTransport = discovered.get(ctx.transport);
  if (perTransport === undefined) {
    perTransport = new Map();
    discovered.set(ctx.transport, perTransport);
  }
  let list = perTransport.get(apiVersion);
  if (list === undefined) {
    list = ctx.transport
      .request({
        method: 'GET',
        path: apiPrefix(apiVersion),
        idempotent: true,
        deadline: ctx.deadline,
        signal: ctx.signal,
      })
      .then((res) => {
        const resources =
          (res.body as { resources?: { name: string; kind: string; namespaced: boolean }[] })
            .resources ?? [];
        return new Map(
          resources
            .filter((r) => !r.name.includes('/'))
            .map((r) => [r.kind, { plural: r.name, namespaced: r.namespaced }]),
        );
      });
    perTransport.set(apiVersion, list);
    list.catch(() => perTransport.delete(apiVersion));
  }
  let found: ResourceInfo | undefined;
  try {
    found = (await list).get(kind);
  } catch (e) {
    throw new CredprovError({
      code: ERROR_CODES.KUBE_DISCOVERY_FAILED,
      message: `the server does not serve ${apiVersion}: is its CustomResourceDefinition installed?`,
      cause: e,
    });
  }
  if (found === undefined) {
    throw new CredprovError({
      code: ERROR_CODES.KUBE_DISCOVERY_FAILED,
      message: `the server serves ${apiVersion} but no kind ${kind} in it`,
    });
  }
  return found;
}

/** The REST path of one object. */
export function objectPath(
  info: ResourceInfo,
  where: {
    readonly apiVersion: string;
    readonly namespace?: string | undefined;
    readonly name?: string;
  },
): string {
  const { apiVersion, namespace, name } = where;
  const ns = info.namespaced ? `/namespaces/${encodeURIComponent(namespace ?? 'default')}` : '';
  return `${apiPrefix(apiVersion)}${ns}/${info.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}
