// Builds the node-side provider as Bun executables: the one-file bundle
// (dist/eksa-ecr-credential-provider.cjs) compiled with the pinned Bun (the npm package
// @oven/bun-linux-x64) for Linux x64 and, cross-compiled (Bun fetches its arm64 runtime from the
// npm registry), for Linux arm64. Bun's executable has no Node bootstrap to pay for on every exec.
// Cached: rebuilt only when the bundle or Bun changed.
//   node scripts/build-bun.ts
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bundle = resolve(root, 'dist/eksa-ecr-credential-provider.cjs');
if (!existsSync(bundle))
  throw new Error(`${bundle} is missing: run pnpm build in packages/aws first`);
const bun = resolve(
  dirname(createRequire(import.meta.url).resolve('@oven/bun-linux-x64/package.json')),
  'bin/bun',
);
const version = execFileSync(bun, ['--version'], { encoding: 'utf8' }).trim();

/** The Bun executables, by the target Bun names them. */
const BUN_TARGETS = {
  'bun-linux-x64': resolve(root, 'dist/eksa-ecr-credential-provider-bun'),
  'bun-linux-arm64': resolve(root, 'dist/eksa-ecr-credential-provider-bun-linux-arm64'),
} as const;

/**
 * The compile flags. Bun's executables load .env and bunfig.toml from the working directory by
 * default: the provider runs in the kubelet's, where such a file could set its environment or
 * preload code into it, so both are off (provider-dist.integ tests it).
 */
const FLAGS = [
  '--compile',
  '--minify',
  '--bytecode',
  '--no-compile-autoload-dotenv',
  '--no-compile-autoload-bunfig',
  '--no-compile-autoload-tsconfig',
  '--no-compile-autoload-package-json',
];
const key = createHash('sha256')
  .update(readFileSync(bundle))
  .update(version)
  .update(FLAGS.join(' '))
  .digest('hex');
for (const [target, output] of Object.entries(BUN_TARGETS)) {
  const stamp = `${output}.stamp`;
  if (existsSync(output) && existsSync(stamp) && readFileSync(stamp, 'utf8') === key) continue;
  rmSync(stamp, { force: true });
  execFileSync(bun, ['build', ...FLAGS, `--target=${target}`, bundle, '--outfile', output], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  writeFileSync(stamp, key);
}
