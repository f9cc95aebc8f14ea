/**
 * `scripts/testenv up --package-controller CLUSTER` runs this: it starts the package stack of
 * ./package-controller.ts for CLUSTER, detached, with its logs and PIDs in the run directory, and
 * records it in env.json (`packageController`), where the demo and the tests find it.
 *
 *   node packages/testenv/src/package-stack-main.ts CLUSTER RUN_DIR
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPackageStack } from './package-controller.ts';

const [clusterName, runDir] = process.argv.slice(2);
if (clusterName === undefined || runDir === undefined) {
  process.stderr.write('usage: package-stack-main.ts CLUSTER RUN_DIR\n');
  process.exit(2);
}
try {
  const stack = await startPackageStack(clusterName, { runDir });
  const [registryPid, controllerPid] = stack.pids;
  writeFileSync(join(runDir, 'oci-registry.pid'), String(registryPid));
  writeFileSync(join(runDir, 'package-controller.pid'), String(controllerPid));
  const envFile = join(runDir, 'env.json');
  const env = JSON.parse(readFileSync(envFile, 'utf8')) as Record<string, unknown>;
  env['packageController'] = {
    clusterName,
    registry: stack.registry,
    bundleName: stack.bundleName,
  };
  writeFileSync(envFile, JSON.stringify(env, null, 2));
  process.stdout.write(
    `package controller for cluster ${clusterName}: registry https://${stack.registry}, bundle ${stack.bundleName}\n`,
  );
} catch (e) {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
}
