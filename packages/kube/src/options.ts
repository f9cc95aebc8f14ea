import type { KubeConfig } from '@kubernetes/client-node';
import { loadKubeConfig } from './kubeconfig.ts';
import { transportFor, type Transport } from './transport.ts';

/**
 * Options every call to the API server takes.
 *
 * @public
 */
export interface KubeCallOptions {
  /** The cluster to talk to (from {@link loadKubeConfig}). @default loaded as kubectl would */
  readonly kubeConfig?: KubeConfig;
  /** Cancels the call. */
  readonly signal?: AbortSignal;
  /**
   * How long to keep trying while the server is unreachable or answers 429/5xx, before failing.
   * @default 30000
   */
  readonly timeoutMs?: number;
}

/** @internal */
export interface CallContext {
  readonly kc: KubeConfig;
  readonly transport: Transport;
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
}

/** @internal */
export async function callContext(options: KubeCallOptions): Promise<CallContext> {
  const kc = options.kubeConfig ?? loadKubeConfig();
  return {
    kc,
    transport: await transportFor(kc),
    deadline: Date.now() + (options.timeoutMs ?? 30_000),
    signal: options.signal,
  };
}
