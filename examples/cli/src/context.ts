/**
 * What several commands share: the management cluster's kubeconfig, manifest files, redaction,
 * and kubectl-style names for objects.
 */
import { readFile } from 'node:fs/promises';
import { parseGoDuration, parseYaml, toYaml, type Secret } from '@eksa-credprov/core';
import type * as Kube from '@eksa-credprov/kube';
import type { KubeConfig } from '@kubernetes/client-node';
import { CommandError, UsageError, type CommandContext, type OptionSpec } from './cli.ts';

/**
 * The kube module, loaded when a command first talks to a cluster: @kubernetes/client-node takes
 * about 600 ms to load, which `--help`, `generate` and `validate` should not pay.
 */
export function kube(): Promise<typeof Kube> {
  return import('@eksa-credprov/kube');
}

/** How long a `--wait` waits, unless told (10m): for a controller to install or uninstall. */
export const WAIT_TIMEOUT_MS = 600_000;

/** `--request-timeout` in milliseconds: how long one API call may take, retries included. */
export function requestTimeoutMs(ctx: CommandContext): number {
  const text = ctx.values['request-timeout'];
  if (typeof text !== 'string') return 15_000;
  try {
    return parseGoDuration(text);
  } catch {
    throw new UsageError(`--request-timeout must be a duration such as 15s, not "${text}"`);
  }
}

/**
 * The management cluster (`--kubeconfig`, else `$KUBECONFIG` or `~/.kube/config`) and the time
 * each call may take, ready to spread into the kube module's options.
 */
export async function managementCluster(
  ctx: CommandContext,
): Promise<{ kubeConfig: KubeConfig; timeoutMs: number }> {
  const path = ctx.values['kubeconfig'];
  const timeoutMs = requestTimeoutMs(ctx);
  const kubeConfig = (await kube()).loadKubeConfig(
    typeof path === 'string' ? { kubeconfigPath: path } : {},
  );
  return { kubeConfig, timeoutMs };
}

/** A kubeconfig file given by a flag (a workload cluster's). */
export async function kubeConfigFile(path: string): Promise<KubeConfig> {
  return (await kube()).loadKubeConfig({ kubeconfigPath: path });
}

/** `--cluster`, shared by the commands that address one cluster's Packages. */
export const CLUSTER_OPTION: OptionSpec = {
  type: 'string',
  value: 'NAME',
  required: true,
  description: 'the cluster the Package configures (its Packages live in eksa-packages-NAME)',
};

/** Reads a manifest file, or stdin for `-`. */
export async function readManifest(ctx: CommandContext, file: string): Promise<string> {
  if (file === '-') return ctx.io.readStdin();
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new CommandError(
      `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      { cause: e },
    );
  }
}

/** The objects in a manifest, each checked to be a Kubernetes object. */
export function manifestObjects(text: string, file: string): Record<string, unknown>[] {
  const docs = parseYaml(text);
  return docs.map((doc, i) => {
    const o = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
    if (
      typeof o !== 'object' ||
      typeof o.apiVersion !== 'string' ||
      typeof o.kind !== 'string' ||
      typeof o.metadata?.name !== 'string'
    )
      throw new CommandError(
        `${file}: document ${i + 1} is not a Kubernetes object (apiVersion, kind and metadata.name are required)`,
      );
    return doc as Record<string, unknown>;
  });
}

/** `package.packages.eks.amazonaws.com/NAME`, `secret/NAME`: what kubectl prints. */
export function objectName(o: { apiVersion: string; kind: string; name: string }): string {
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return `${o.kind.toLowerCase()}${group === '' ? '' : `.${group}`}/${o.name}`;
}

/** A Secret as YAML with every value replaced, unless `show`. */
export function secretYaml(secret: Secret, show: boolean): string {
  if (show) return toYaml(secret);
  return toYaml({
    ...secret,
    data: Object.fromEntries(Object.keys(secret.data).map((k) => [k, '<redacted>'])),
  });
}

/**
 * `mode`'s permission bits as octal (`0644`) when group or others may read or write the file, or
 * undefined for a file kept to its owner: credential files, keys and credfiles should be 0600.
 */
export function openToOthers(mode: number): string | undefined {
  return (mode & 0o077) === 0 ? undefined : (mode & 0o777).toString(8).padStart(4, '0');
}
