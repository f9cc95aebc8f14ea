// The whole IAM Roles Anywhere story on one machine, against the local components that
// `scripts/testenv up` starts (kube-apiserver with the EKS Anywhere CRDs, moto for IAM/STS/ECR,
// the Roles Anywhere emulator, and, when started with `--package-controller demo`, the real EKS
// Anywhere package controller with a local TLS registry holding the chart). Run by
// `scripts/demo`, which starts and stops them.
//
//   1. a sample management cluster "demo": its CA (eksa-system/demo-ca) and kubeconfig
//      (eksa-system/demo-kubeconfig) Secrets, and a node certificate that CA signed;
//   2. `eksa-credprov roles-anywhere setup`: trust anchor, role, policy, profile, the credfile
//      Secret and the Package; with the controller, `--wait` until it is installed;
//   3. what the package's DaemonSet does on a node: copy the Secret's credfile to the node;
//   4. `eksa-credprov provider test`: the node-side provider, run as the kubelet runs it, gets an
//      ECR login with the node certificate (no aws_signing_helper, no shell);
//   5. `eksa-credprov roles-anywhere teardown`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  DEFAULT_PACKAGE_NAME as PACKAGE_NAME,
  NODE_PACKAGE_DIR,
  packageNamespace,
} from '@eksa-credprov/core';
import {
  DEFAULT_FIELD_MANAGER,
  applyObjects,
  ensureNamespace,
  loadKubeConfig,
} from '@eksa-credprov/kube';
import { AppsV1Api, CoreV1Api, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';

const ROOT = resolve(import.meta.dirname, '../../..');
const CLI = resolve(ROOT, 'examples/cli/dist/main.js');
const env = JSON.parse(readFileSync(resolve(ROOT, '.testenv/run/env.json'), 'utf8')) as {
  kubeconfig: string;
  moto: string;
  rolesanywhere: string;
};
const CLUSTER = 'demo';
const REGION = 'us-west-2';
const ROLE = 'eksa-demo-ecr-pull';
const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:1.0';
const work = mkdtempSync(join(tmpdir(), 'eksa-credprov-demo-'));
const steps: string[] = [];

const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
function step(title: string): void {
  process.stdout.write(`\n${bold(`==> ${title}`)}\n`);
}

/** The environment a user would have: the management kubeconfig, AWS credentials and endpoints. */
const userEnv: NodeJS.ProcessEnv = {
  PATH: process.env['PATH'],
  HOME: work,
  KUBECONFIG: env.kubeconfig,
  // moto accepts any key; a real run uses your AWS profile.
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'demo-secret-access-key',
  AWS_REGION: REGION,
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ENDPOINT_URL_IAM: env.moto,
  AWS_ENDPOINT_URL_STS: env.moto,
  AWS_ENDPOINT_URL_ECR: env.moto,
  AWS_ENDPOINT_URL_ROLESANYWHERE: env.rolesanywhere,
};

/** Runs eksa-credprov, showing the command line as a user would type it. */
function eksaCredprov(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): string {
  const shown = args.map((a) => (/^[\w./:=@,+-]+$/.test(a) ? a : `'${a}'`));
  process.stdout.write(`$ eksa-credprov ${shown.join(' ')}\n`);
  const r = spawnSync(process.execPath, [CLI, ...args], {
    env: { ...userEnv, ...extraEnv },
    encoding: 'utf8',
  });
  const indent = (text: string): string =>
    text.trimEnd() === '' ? '' : `${text.trimEnd().replace(/^/gm, '  ')}\n`;
  process.stdout.write(indent(r.stdout) + indent(r.stderr));
  if (r.status !== 0)
    throw new Error(
      `eksa-credprov ${args[0] ?? ''} ${args[1] ?? ''} failed (exit ${r.status ?? 'signal'})`,
    );
  return r.stdout;
}

function openssl(args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: work, stdio: 'ignore' });
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/**
 * The cluster's PackageBundleController when it is active: then the real EKS Anywhere package
 * controller runs for it (`scripts/testenv up --package-controller demo`, which scripts/demo
 * asks for) and installs Packages from the bundle in its registry.
 */
async function activeBundleController(
  kubeConfig: KubeConfig,
): Promise<{ registry: string; bundle: string } | undefined> {
  try {
    const pbc = (await kubeConfig.makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'packages.eks.amazonaws.com',
      version: 'v1alpha1',
      namespace: 'eksa-packages',
      plural: 'packagebundlecontrollers',
      name: CLUSTER,
    })) as {
      spec?: { defaultRegistry?: string; activeBundle?: string };
      status?: { state?: string };
    };
    return pbc.status?.state === 'active'
      ? { registry: pbc.spec?.defaultRegistry ?? '', bundle: pbc.spec?.activeBundle ?? '' }
      : undefined;
  } catch (e) {
    if ((e as { code?: number }).code === 404) return undefined;
    throw e;
  }
}

async function main(): Promise<void> {
  const kubeConfig = loadKubeConfig({ kubeconfigPath: env.kubeconfig });
  const controller = await activeBundleController(kubeConfig);

  step(
    '1. A sample management cluster "demo" (its CA and kubeconfig Secrets) and a node certificate',
  );
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=demo-ca',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'node.key',
    '-out',
    'node.csr',
    '-subj',
    '/O=system:nodes/CN=system:node:demo-node-1',
  ]);
  writeFileSync(
    join(work, 'node.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
  );
  openssl([
    'x509',
    '-req',
    '-in',
    'node.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'node.crt',
    '-days',
    '1',
    '-extfile',
    'node.ext',
  ]);
  // The kubelet keeps certificate and key in one file: kubelet-client-current.pem.
  const nodeDir = join(work, 'node');
  mkdirSync(join(nodeDir, 'pki'), { recursive: true });
  const kubeletPem = join(nodeDir, 'pki', 'kubelet-client-current.pem');
  writeFileSync(
    kubeletPem,
    readFileSync(join(work, 'node.crt'), 'utf8') + readFileSync(join(work, 'node.key'), 'utf8'),
    { mode: 0o600 },
  );
  const options = { kubeConfig, fieldManager: DEFAULT_FIELD_MANAGER };
  await ensureNamespace('eksa-system', options);
  await ensureNamespace(packageNamespace(CLUSTER), options);
  await applyObjects(
    [
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${CLUSTER}-ca`, namespace: 'eksa-system' },
        type: 'kubernetes.io/tls',
        data: {
          'tls.crt': b64(readFileSync(join(work, 'ca.crt'), 'utf8')),
          'tls.key': b64(readFileSync(join(work, 'ca.key'), 'utf8')),
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: `${CLUSTER}-kubeconfig`, namespace: 'eksa-system' },
        type: 'Opaque',
        data: { value: b64(readFileSync(env.kubeconfig, 'utf8')) },
      },
    ],
    options,
  );
  process.stdout.write(
    `  eksa-system/${CLUSTER}-ca, eksa-system/${CLUSTER}-kubeconfig and eksa-packages-${CLUSTER} on the local kube-apiserver\n  node certificate: CN=system:node:demo-node-1, signed by the cluster CA\n`,
  );
  steps.push('sample cluster: CA and kubeconfig Secrets, a node certificate signed by the CA');

  step(
    '2. IAM Roles Anywhere for the cluster, in one command (moto IAM, the Roles Anywhere emulator)',
  );
  const setup = [
    'roles-anywhere',
    'setup',
    '--cluster',
    CLUSTER,
    '--region',
    REGION,
    '--role-name',
    ROLE,
    '--registry-account',
    '123456789012',
    '--certificate-path',
    kubeletPem,
  ];
  eksaCredprov(setup);
  if (controller === undefined) {
    process.stdout.write('  (again: every step finds what exists, so nothing changes)\n');
    eksaCredprov(setup);
    eksaCredprov(['get', 'packages', '--cluster', CLUSTER]);
    process.stdout.write(
      '  (no package controller runs here, so the Package has no state; on a real cluster add --wait)\n',
    );
  } else {
    process.stdout.write(
      `  (again, with --wait: nothing changes, and the real EKS Anywhere package controller installs\n   the chart from bundle ${controller.bundle} in the local TLS registry ${controller.registry})\n`,
    );
    eksaCredprov([...setup, '--wait']);
    eksaCredprov(['get', 'packages', '--cluster', CLUSTER]);
    const daemonSets = await kubeConfig.makeApiClient(AppsV1Api).listNamespacedDaemonSet({
      namespace: 'eksa-packages',
      labelSelector: `app.kubernetes.io/instance=${PACKAGE_NAME}`,
    });
    for (const ds of daemonSets.items)
      process.stdout.write(
        `  Helm release ${PACKAGE_NAME}: DaemonSet eksa-packages/${ds.metadata?.name ?? ''}, image ${ds.spec?.template.spec?.containers[0]?.image ?? ''}\n  (no node runs here, so it schedules no pod)\n`,
      );
    if (daemonSets.items.length !== 1)
      throw new Error(
        `the chart installed ${String(daemonSets.items.length)} DaemonSets for ${PACKAGE_NAME}, not 1`,
      );
  }
  steps.push(
    controller === undefined
      ? 'roles-anywhere setup: trust anchor, role + ECR policy, profile, credfile Secret, Package; idempotent'
      : 'roles-anywhere setup: trust anchor, role + ECR policy, profile, credfile Secret, Package; idempotent; installed by the real package controller',
  );

  step(
    "3. What the package does on each node: the credfile Secret becomes the provider's AWS config",
  );
  const secret = await kubeConfig
    .makeApiClient(CoreV1Api)
    .readNamespacedSecret({ name: 'aws-config', namespace: 'eksa-packages' });
  const credfile = join(nodeDir, 'aws-creds');
  writeFileSync(credfile, Buffer.from(secret.data?.['config'] ?? '', 'base64').toString('utf8'), {
    mode: 0o600,
  });
  process.stdout.write(
    `  eksa-packages/aws-config -> ${credfile} (mode 0600; ${NODE_PACKAGE_DIR}/aws-creds on a node):\n`,
  );
  process.stdout.write(`${readFileSync(credfile, 'utf8').trimEnd().replace(/^/gm, '    ')}\n`);
  steps.push('node: credfile written as the chart writes it');

  step(
    '4. The kubelet pulls an ECR image: the node-side provider gets a login with the node certificate',
  );
  eksaCredprov(
    [
      'provider',
      'test',
      '--image',
      IMAGE,
      '--config',
      credfile,
      '--match-image',
      '*.dkr.ecr.*.amazonaws.com',
    ],
    {
      // What the kubelet gives the provider: only the config file (and here, the local endpoints).
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
    },
  );
  steps.push(
    'provider: native IAM Roles Anywhere CreateSession, then ECR GetAuthorizationToken; password never shown',
  );

  step('5. Tear down');
  eksaCredprov([
    'roles-anywhere',
    'teardown',
    '--cluster',
    CLUSTER,
    '--region',
    REGION,
    '--role-name',
    ROLE,
    ...(controller === undefined ? [] : ['--wait']),
  ]);
  steps.push(
    controller === undefined
      ? 'roles-anywhere teardown: Package, Secret, profile, role, trust anchor removed'
      : 'roles-anywhere teardown: Package (uninstalled by the controller), Secret, profile, role, trust anchor removed',
  );

  step('Summary');
  for (const [i, s] of steps.entries()) process.stdout.write(`  ${i + 1}. ${s}\n`);
}

main()
  .catch((e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    // The throw-away CA key and node key go with the rest of the work files.
    rmSync(work, { recursive: true, force: true });
  });
