import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { CredprovError, ERROR_CODES, safeText } from '@eksa-credprov/core';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';

/**
 * Options for {@link loadKubeConfig}.
 *
 * @public
 */
export interface LoadKubeConfigOptions {
  /** A kubeconfig file, as kubectl's `--kubeconfig`: used alone, and it must exist. */
  readonly kubeconfigPath?: string;
  /** A context to use instead of the current one, as kubectl's `--context`. */
  readonly context?: string;
}

function configError(message: string, cause?: unknown): CredprovError {
  return new CredprovError({ code: ERROR_CODES.KUBECONFIG_INVALID, message, cause });
}

/**
 * Loads a kubeconfig following kubectl's rules: `kubeconfigPath` (like `--kubeconfig`) alone if
 * given; otherwise the files listed in `$KUBECONFIG`, merged (the first file to set a value wins);
 * otherwise `~/.kube/config`; otherwise the in-cluster service account.
 *
 * @throws CredprovError `KUBECONFIG_INVALID` when no kubeconfig is found, a file does not parse,
 * the context does not exist (the message lists the contexts there are), or the context has no
 * cluster or user.
 * @see https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
 * @public
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  const where = loadInto(kc, options.kubeconfigPath);
  if (options.context !== undefined) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(options.context)) {
      throw configError(
        `context "${options.context}" is not in ${where}; it has ${names.length === 0 ? 'no contexts' : names.map((n) => `"${n}"`).join(', ')}`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (kc.getCurrentCluster() === null) {
    const current = (kc.getCurrentContext() as string | undefined) ?? '';
    throw configError(
      current === ''
        ? `${where} has no current context: pass context, or set one with kubectl config use-context`
        : `context "${current}" in ${where} names no cluster that the file defines`,
    );
  }
  if (kc.getCurrentUser() === null) {
    throw configError(
      `context "${kc.getCurrentContext()}" in ${where} names no user that the file defines`,
    );
  }
  return kc;
}

/**
 * Why a kubeconfig could not be loaded, never quoting it: a YAML error from client-node's
 * js-yaml carries a code frame with the lines around the mistake, which in a kubeconfig hold
 * tokens and keys. kubectl prints the line and the reason only; so does this.
 */
function describeKubeconfigError(e: unknown): string {
  const err = e as {
    code?: unknown;
    reason?: unknown;
    mark?: { line?: unknown; column?: unknown };
    message?: unknown;
  };
  if (typeof err.code === 'string' && /^E[A-Z]+$/.test(err.code)) return err.code;
  if (typeof err.reason === 'string' && typeof err.mark?.line === 'number') {
    const column = typeof err.mark.column === 'number' ? `, column ${err.mark.column + 1}` : '';
    return `YAML syntax error at line ${err.mark.line + 1}${column}: ${safeText(err.reason, { max: 120 })}`;
  }
  // client-node's own checks ("clusters[0].name is missing"): the first line, cut short.
  const message = typeof err.message === 'string' ? err.message : String(e);
  return safeText(message.split('\n')[0] ?? '', { max: 200 });
}

function loadInto(kc: KubeConfig, path: string | undefined): string {
  const load = (file: string): void => {
    try {
      kc.loadFromFile(file);
    } catch (e) {
      // No cause: the error's own message quotes the file (`--verbose` would print it).
      throw configError(`cannot read kubeconfig ${file}: ${describeKubeconfigError(e)}`);
    }
  };
  if (path !== undefined) {
    if (!existsSync(path)) throw configError(`kubeconfig ${path} does not exist`);
    load(path);
    return path;
  }
  const env = process.env['KUBECONFIG'];
  if (env !== undefined && env !== '') {
    const files = env.split(delimiter).filter((f) => f !== '' && existsSync(f));
    if (files.length === 0) throw configError(`none of the files in KUBECONFIG (${env}) exists`);
    // kubectl's merge: files in order, missing ones skipped, the first to set a value wins
    // (client-node's loadFromDefault lets later files win and fails on a missing file).
    const merged = {
      clusters: [] as Cluster[],
      users: [] as User[],
      contexts: [] as Context[],
      currentContext: '',
    };
    for (const f of files) {
      const one = new KubeConfig();
      try {
        one.loadFromFile(f);
      } catch (e) {
        throw configError(
          `cannot read kubeconfig ${f} (from KUBECONFIG): ${describeKubeconfigError(e)}`,
        );
      }
      const add = <T extends { name: string }>(into: T[], from: readonly T[]): void => {
        for (const item of from) if (!into.some((x) => x.name === item.name)) into.push(item);
      };
      add(merged.clusters, one.getClusters());
      add(merged.users, one.getUsers());
      add(merged.contexts, one.getContexts());
      // Typed string, but undefined at run time when the file sets none.
      const current: unknown = one.getCurrentContext();
      if (merged.currentContext === '' && typeof current === 'string')
        merged.currentContext = current;
    }
    kc.loadFromOptions(merged);
    return `KUBECONFIG (${files.join(delimiter)})`;
  }
  const home = join(homedir(), '.kube', 'config');
  if (existsSync(home)) {
    load(home);
    return home;
  }
  if (process.env['KUBERNETES_SERVICE_HOST'] !== undefined) {
    kc.loadFromCluster();
    return 'the in-cluster service account';
  }
  throw configError(
    'no kubeconfig found: pass kubeconfigPath, set KUBECONFIG, create ~/.kube/config, or run inside a cluster',
  );
}
