// Runs every benchmark in bench/, one after another, and prints their reports (`pnpm bench`).
// Needs scripts/bootstrap (built packages) and scripts/testenv up; the kubectl comparison is
// skipped when kubectl is not on PATH.
//   node bench/run-all.ts
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
if (!existsSync(resolve(ROOT, '.testenv/kubeconfig')))
  throw new Error('.testenv/kubeconfig is missing: run scripts/testenv up first');
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

const benches: { file: string; args?: string[]; skip?: string }[] = [
  { file: 'core.ts' },
  { file: 'kube-apply.ts', ...(hasKubectl ? {} : { skip: 'kubectl is not on PATH' }) },
  { file: 'roles-anywhere.ts' },
  { file: 'provider.ts' },
  { file: 'hostile-input.ts' },
  // The controller runs from source, as its tests run it.
  { file: 'controller.ts', args: ['--conditions=@eksa-credprov/source'] },
];
let failed = 0;
for (const b of benches) {
  process.stdout.write(`\n## bench/${b.file}\n\n`);
  if (b.skip !== undefined) {
    process.stdout.write(`skipped: ${b.skip}\n`);
    continue;
  }
  const r = spawnSync(process.execPath, [...(b.args ?? []), resolve(ROOT, 'bench', b.file)], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`bench/${b.file} failed (exit ${String(r.status)})\n`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
