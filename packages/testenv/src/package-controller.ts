/**
 * The real EKS Anywhere package controller (`package-manager server` of
 * github.com/aws/eks-anywhere-packages v0.4.17, built by scripts/build-go-tools into
 * .testenv/bin/package-controller) and what it needs to install a package: a TLS OCI registry
 * (testenv/oci-registry) holding the upstream credential-provider-package chart (testenv/charts)
 * and a PackageBundle that lists it, and the PackageBundleController of the cluster.
 *
 * What stands in for the controller's pod, and why:
 * - the registry's CA is written to `/tmp/config/registry/<cluster>_ca.crt`, where the pod mounts
 *   the `registry-mirror-cred` Secret (the path is fixed in the controller's code);
 * - `HELM_NAMESPACE=eksa-packages`: in its pod, Helm keeps releases in the pod's namespace;
 * - the admin kubeconfig instead of the pod's ServiceAccount;
 * - webhooks off (`ENABLE_WEBHOOKS` unset), so bundles are not signature-checked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomInt } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { REPO_ROOT, testEnv } from './env.ts';
import { kubeRequest } from './kube.ts';
import { until } from './promises.ts';

const BIN = join(REPO_ROOT, '.testenv/bin');
const CHART = join(REPO_ROOT, 'testenv/charts/credential-provider-package');
const SCHEMA = join(REPO_ROOT, 'testenv/charts/credential-provider-package.schema.json');
/** Where the controller reads a registry's CA (`pkg/registry/certificates.go`). */
export const REGISTRY_CONFIG_DIR = '/tmp/config/registry';
/** The repository of the chart in the test registry (as in the real bundles). */
export const CHART_REPOSITORY = 'credential-provider-package';
/** The chart versions the test registry holds, newest first (as a release names them). */
export const CHART_VERSIONS = [
  '0.1.1-1e8277a8095c43376f389cd167ddf59f0aac58da',
  '0.1.0-1e8277a8095c43376f389cd167ddf59f0aac58da',
] as const;
const PBC_PATH = '/apis/packages.eks.amazonaws.com/v1alpha1/namespaces/eksa-packages';

/** A running process of the stack. */
export interface PackageController {
  /** Its log so far (bounded). */
  readonly log: () => string;
  /** Stops it (SIGTERM) and waits for it to exit. */
  readonly stop: () => Promise<void>;
}

/** A package controller with its registry, bundle and PackageBundleController. */
export interface PackageStack {
  readonly clusterName: string;
  /** The registry's `host:port` (TLS, its own CA). */
  readonly registry: string;
  /** The PackageBundle it serves as `v<major>-<minor>-latest`. */
  readonly bundleName: string;
  /**
   * The chart versions in the bundle, newest (what `latest` means) first: name, chart digest, and
   * the image digest stamped into the chart's values.
   */
  readonly versions: readonly {
    readonly name: string;
    readonly digest: string;
    readonly image: string;
  }[];
  readonly controller: PackageController;
  /** The controller's log, then the registry's (for failure messages). */
  readonly log: () => string;
  /** Stops the controller and the registry and removes the PBC, bundle and CA file. */
  readonly stop: () => Promise<void>;
}

function need(path: string): string {
  if (!existsSync(path))
    throw new Error(`${path} is missing: scripts/build-go-tools builds it (scripts/test does)`);
  return path;
}

/** Spawns a tool, keeping the last 200 kB of its output (or writing it to `logFile`, detached). */
function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; logFile?: string },
): { child: ChildProcess } & PackageController {
  let text = '';
  const out = options.logFile === undefined ? 'pipe' : openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', out, out],
    detached: options.logFile !== undefined,
  });
  const keep = (chunk: Buffer): void => {
    // Bounded: the controller logs a stack trace with each failed reconcile.
    text = (text + chunk.toString('utf8')).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  if (options.logFile !== undefined) child.unref();
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  return {
    child,
    log: () =>
      options.logFile === undefined ? text : readFileSync(options.logFile, 'utf8').slice(-200_000),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs a tool to its end; its stdout, trimmed, or an error with its output. */
async function runToEnd(command: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(out.trim());
      else reject(new Error(`${command} ${args.join(' ')} exited ${String(code)}:\n${err}`));
    });
  });
}

/** A test's controller beside the one `scripts/testenv up --package-controller` started would
 * fight it over every Package. */
function refuseSecondController(): void {
  const running = testEnv().packageController;
  if (running !== undefined)
    throw new Error(
      `scripts/testenv up --package-controller ${running.clusterName} started a package controller, and a second one would fight it over every Package: restart with scripts/testenv down && scripts/testenv up`,
    );
}

/**
 * Starts the package controller for management cluster `clusterName` (its `CLUSTER_NAME`) and no
 * registry: it reconciles every PackageBundleController and Package on the API server while it
 * runs, so a test file starts it and stops it.
 */
export function startPackageController(
  clusterName: string,
  options: { readonly logFile?: string } = {},
): PackageController & { readonly pid: number } {
  const bin = need(join(BIN, 'package-controller'));
  if (options.logFile === undefined) refuseSecondController();
  // Its own empty working directory: the controller loads a .env file from there (godotenv),
  // and Helm keeps its configuration and cache under HOME.
  const cwd = mkdtempSync(join(tmpdir(), 'package-controller-'));
  const proc = run(
    bin,
    ['server', '--metrics-bind-address=127.0.0.1:0', '--health-probe-bind-address=127.0.0.1:0'],
    {
      cwd,
      env: {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: cwd,
        HELM_CONFIG_HOME: join(cwd, 'helm'),
        HELM_NAMESPACE: 'eksa-packages',
        KUBECONFIG: testEnv().kubeconfig,
        CLUSTER_NAME: clusterName,
      },
      ...(options.logFile === undefined ? {} : { logFile: options.logFile }),
    },
  );
  return {
    log: proc.log,
    stop: async () => {
      await proc.stop();
      rmSync(cwd, { recursive: true, force: true });
    },
    pid: proc.child.pid ?? 0,
  };
}

/** The bundle YAML for the chart versions pushed (newest first), as releases write it. */
function bundleYaml(
  bundleName: string,
  registry: string,
  versions: readonly { name: string; digest: string; image: string }[],
): string {
  // Releases carry the package's config schema, gzipped and base64-encoded.
  const schema = gzipSync(readFileSync(SCHEMA)).toString('base64');
  return JSON.stringify({
    apiVersion: 'packages.eks.amazonaws.com/v1alpha1',
    kind: 'PackageBundle',
    metadata: { name: bundleName, namespace: 'eksa-packages' },
    spec: {
      packages: [
        {
          name: 'credential-provider-package',
          source: {
            registry,
            repository: CHART_REPOSITORY,
            versions: versions.map((v) => ({
              name: v.name,
              digest: v.digest,
              images: [{ repository: 'credential-provider-package', digest: v.image }],
              schema,
            })),
          },
        },
      ],
    },
  });
}

/**
 * Starts the whole stack for `clusterName`: the TLS registry, the chart versions
 * {@link CHART_VERSIONS} pushed with Helm's libraries, a PackageBundle listing them by digest
 * (pushed as `v<major>-<minor>-latest` for the API server's version), the registry's CA where the
 * controller reads it, the cluster's PackageBundleController pointing at the registry, and the
 * controller. Resolves once the PackageBundleController is `active`.
 *
 * With `runDir`, the processes are detached and log to files there (for `scripts/testenv up`).
 */
export async function startPackageStack(
  clusterName: string,
  options: { readonly runDir?: string } = {},
): Promise<PackageStack & { readonly pids: readonly number[] }> {
  if (options.runDir === undefined) refuseSecondController();
  const dir = resolve(options.runDir ?? mkdtempSync(join(tmpdir(), 'oci-registry-')));
  const tool = need(join(BIN, 'oci-registry'));
  const registryProc = run(tool, ['serve', '--dir', dir], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
    ...(options.runDir === undefined ? {} : { logFile: join(dir, 'oci-registry.log') }),
  });
  const stops: (() => Promise<void>)[] = [registryProc.stop];
  const caFile = join(REGISTRY_CONFIG_DIR, `${clusterName}_ca.crt`);
  const pbc = `${PBC_PATH}/packagebundlecontrollers/${clusterName}`;
  let bundleName = '';
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop();
    await kubeRequest({ method: 'DELETE', path: pbc });
    if (bundleName !== '')
      await kubeRequest({ method: 'DELETE', path: `${PBC_PATH}/packagebundles/${bundleName}` });
    rmSync(caFile, { force: true });
    if (options.runDir === undefined) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const addressFile = join(dir, 'address');
    await until(
      () => {
        if (registryProc.child.exitCode !== null)
          throw new Error(`oci-registry exited: ${registryProc.log()}`);
        return existsSync(addressFile);
      },
      'the OCI registry listening',
      30_000,
    );
    const registry = readFileSync(addressFile, 'utf8').trim();
    const registryCa = join(dir, 'ca.crt');

    const versions = [];
    for (const name of CHART_VERSIONS) {
      // No image is ever pulled (no node runs the DaemonSet): a digest standing for the image.
      const image = `sha256:${createHash('sha256').update(`credential-provider-package ${name}`).digest('hex')}`;
      const digest = await runToEnd(tool, [
        'push-chart',
        '--registry',
        registry,
        '--ca',
        registryCa,
        '--chart',
        CHART,
        '--repository',
        CHART_REPOSITORY,
        '--version',
        name,
        '--image-digest',
        image,
      ]);
      versions.push({ name, digest, image });
    }

    const version = (await kubeRequest({ method: 'GET', path: '/version' })).json as {
      major: string;
      minor: string;
    };
    const minor = version.minor.replace(/\D+$/, '');
    // A build number of its own: the controller keeps bundles by name, and one left by an
    // earlier stack would point at a registry that is gone.
    bundleName = `v${version.major}-${minor}-${String(randomInt(1000, 2 ** 31 - 1))}`;
    const bundleFile = join(dir, 'bundle.yaml');
    writeFileSync(bundleFile, bundleYaml(bundleName, registry, versions));
    await runToEnd(tool, [
      'push-bundle',
      '--registry',
      registry,
      '--ca',
      registryCa,
      '--file',
      bundleFile,
      '--repository',
      'eks-anywhere-packages-bundles',
      '--tag',
      `v${version.major}-${minor}-latest`,
    ]);

    mkdirSync(REGISTRY_CONFIG_DIR, { recursive: true });
    writeFileSync(caFile, readFileSync(registryCa));

    const ns = await kubeRequest({
      method: 'POST',
      path: '/api/v1/namespaces',
      body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'eksa-packages' } },
    });
    if (ns.status !== 201 && ns.status !== 409)
      throw new Error(`namespace eksa-packages: ${String(ns.status)} ${ns.text}`);
    const pbcBody = {
      apiVersion: 'packages.eks.amazonaws.com/v1alpha1',
      kind: 'PackageBundleController',
      metadata: { name: clusterName, namespace: 'eksa-packages' },
      spec: { defaultRegistry: registry, defaultImageRegistry: registry },
    };
    const createPbc = () =>
      kubeRequest({ method: 'POST', path: `${PBC_PATH}/packagebundlecontrollers`, body: pbcBody });
    let created = await createPbc();
    if (created.status === 409) {
      // Left by a stack that did not stop (its registry and bundle are gone): a fresh one.
      await kubeRequest({ method: 'DELETE', path: pbc });
      created = await createPbc();
    }
    if (created.status !== 201)
      throw new Error(
        `PackageBundleController ${clusterName}: ${String(created.status)} ${created.text}`,
      );

    const controller = startPackageController(
      clusterName,
      options.runDir === undefined ? {} : { logFile: join(dir, 'package-controller.log') },
    );
    stops.push(controller.stop);
    const log = (): string =>
      `package controller:\n${controller.log().slice(-4000)}\nregistry:\n${registryProc.log().slice(-2000)}`;
    await until(
      async () => {
        const res = await kubeRequest({ method: 'GET', path: pbc });
        return (res.json as { status?: { state?: string } }).status?.state === 'active';
      },
      `PackageBundleController ${clusterName} active`,
      90_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${log()}`);
    });
    return {
      clusterName,
      registry,
      bundleName,
      versions,
      controller,
      log,
      stop: stopAll,
      pids: [registryProc.child.pid ?? 0, controller.pid],
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}
