/**
 * Service-account tokens from the testenv API server (TokenRequest, bound to a pod, for an
 * audience), the API server's issuer and CA, and what the STS emulator (testenv/sts) verified.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { testEnv, REPO_ROOT } from './env.ts';
import { kubeRequest } from './kube.ts';

/** The API server's service-account issuer: its own URL (scripts/testenv sets it so). */
export function testIssuer(): string {
  return `https://127.0.0.1:${testEnv().apiserver.port}`;
}

/** The testenv API server's CA, PEM: the roots for reaching the issuer. */
export function testIssuerCa(): string {
  return readFileSync(join(REPO_ROOT, '.testenv/run/apiserver/ca.crt'), 'utf8');
}

/** Creates `body` at `path` unless it exists; the object as the server has it. */
async function ensureObject(path: string, name: string, body: unknown): Promise<unknown> {
  const created = await kubeRequest({ method: 'POST', path, body });
  if (created.status === 201 || created.status === 200) return created.json;
  if (created.status !== 409) throw new Error(`POST ${path}: ${created.status} ${created.text}`);
  const existing = await kubeRequest({ method: 'GET', path: `${path}/${name}` });
  if (existing.status !== 200) throw new Error(`GET ${path}/${name}: ${existing.status}`);
  return existing.json;
}

const uidOf = (object: unknown): string =>
  (object as { metadata?: { uid?: string } } | undefined)?.metadata?.uid ?? '';

/** A service account and a pod of it on node `testnode` (as the kubelet of `testnode` serves it), created if missing. */
export async function serviceAccountWithPod(
  namespace: string,
  name: string,
  annotations: Readonly<Record<string, string>> = {},
): Promise<{ podName: string; podUid: string; serviceAccountUid: string }> {
  await ensureObject('/api/v1/namespaces', namespace, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  const sa = await ensureObject(`/api/v1/namespaces/${namespace}/serviceaccounts`, name, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, annotations },
  });
  const podName = `${name}-pod`;
  const pod = await ensureObject(`/api/v1/namespaces/${namespace}/pods`, podName, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: podName },
    spec: {
      serviceAccountName: name,
      nodeName: 'testnode',
      containers: [{ name: 'app', image: 'registry.example/app' }],
    },
  });
  return { podName, podUid: uidOf(pod), serviceAccountUid: uidOf(sa) };
}

/** What {@link serviceAccountToken} asks for. */
export interface TokenFor {
  readonly namespace: string;
  readonly name: string;
  readonly audience: string;
  /** The API server's minimum is 600. @default 600 */
  readonly seconds?: number;
}

/** A real token of the service account for the audience (TokenRequest, as the admin), bound to its pod. */
export async function serviceAccountToken(want: TokenFor): Promise<string> {
  const { podName, podUid } = await serviceAccountWithPod(want.namespace, want.name);
  const path = `/api/v1/namespaces/${want.namespace}/serviceaccounts/${want.name}/token`;
  const answer = await kubeRequest({
    method: 'POST',
    path,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {
        audiences: [want.audience],
        expirationSeconds: want.seconds ?? 600,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: podName, uid: podUid },
      },
    },
  });
  const token = (answer.json as { status?: { token?: string } } | undefined)?.status?.token;
  if (token === undefined) throw new Error(`POST ${path}: ${answer.status} ${answer.text}`);
  return token;
}

/** One exchange the STS emulator saw. */
export interface StsCall {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly subject?: string;
  readonly audience?: string;
  readonly accessKeyId?: string;
  readonly error?: string;
}

/** The AssumeRoleWithWebIdentity calls the STS emulator saw, in order. */
export async function stsCalls(): Promise<StsCall[]> {
  const res = await fetch(`${testEnv().sts}/_emulator/calls`);
  return (await res.json()) as StsCall[];
}
