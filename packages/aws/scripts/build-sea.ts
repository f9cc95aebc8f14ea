// Builds the node-side provider as a Node single executable application,
// dist/eksa-ecr-credential-provider: the pinned Node binary with a V8 start-up snapshot of the
// provider injected (dist/sea-main.cjs, from scripts/bundle-provider.ts, run once at build time),
// so a node needs no Node install and an exec starts with the provider's code already loaded.
// Cached: rebuilt only when the bundle or the Node binary changed.
//   node scripts/build-sea.ts
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bundle = resolve(root, 'dist/sea-main.cjs');
const output = resolve(root, 'dist/eksa-ecr-credential-provider');
const blob = resolve(root, 'dist/sea-prep.blob');
const stamp = resolve(root, 'dist/.sea-stamp');
if (!existsSync(bundle))
  throw new Error(`${bundle} is missing: run pnpm build in packages/aws first`);

const key = createHash('sha256')
  .update(readFileSync(bundle))
  .update(`${process.execPath} ${statSync(process.execPath).size} ${process.version}`)
  .digest('hex');
if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) {
  console.log('sea: dist/eksa-ecr-credential-provider is up to date');
  process.exit(0);
}

/** Runs a build step quietly (postject prints harmless ELF warnings); its output on failure. */
function run(command: string, args: readonly string[]): void {
  try {
    execFileSync(command, args, { stdio: 'pipe' });
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    process.stderr.write(`${String(err.stdout ?? '')}${String(err.stderr ?? '')}`);
    // The child's output says why; a thrown error would bury it under the child's buffers.
    process.stderr.write(`sea: ${args.slice(0, 2).join(' ')} failed\n`);
    process.exit(1);
  }
}

const config = resolve(root, 'dist/sea-config.json');
writeFileSync(
  config,
  JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    // The code evaluated at build time and kept in the heap snapshot: compiling and evaluating
    // the bundle is most of its start-up cost (docs/benchmarks.md).
    useSnapshot: true,
  }),
);
run(process.execPath, ['--experimental-sea-config', config]);
copyFileSync(process.execPath, output);
chmodSync(output, 0o755);
const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
run(process.execPath, [
  postject,
  output,
  'NODE_SEA_BLOB',
  blob,
  '--sentinel-fuse',
  'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
]);
writeFileSync(stamp, key);
console.log(
  `sea: dist/eksa-ecr-credential-provider (${(statSync(output).size / 1024 / 1024).toFixed(1)} MB, Node ${process.version})`,
);
