#!/usr/bin/env node
// Runs before every pack or publish of a package (its `prepack` script). pnpm rewrites the
// workspace's `workspace:` and `catalog:` dependency specifiers into versions when it packs; npm
// and yarn do not, and a tarball that still holds them cannot be installed by anybody. So packing
// with anything but pnpm is refused here, as is packing a package that was not built.
// Plain JavaScript, not TypeScript: it must run on whatever Node the packer has.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const agent = process.env.npm_config_user_agent ?? '';
const local = Object.entries({
  ...pkg.dependencies,
  ...pkg.peerDependencies,
  ...pkg.optionalDependencies,
}).filter(([, spec]) => /^(workspace|catalog):/.test(String(spec)));
if (local.length > 0 && !agent.startsWith('pnpm/')) {
  console.error(
    `${pkg.name}: refusing to pack with ${agent.split(' ')[0] || 'this tool'}: ${local
      .map(([name, spec]) => `${name}@${spec}`)
      .join(', ')} would stay in the tarball as they are, and nobody could install it. ` +
      'Pack and publish with pnpm (pnpm pack, pnpm publish, or the release flow: pnpm release), which rewrites them into versions.',
  );
  process.exit(1);
}
if (!existsSync(join('dist'))) {
  console.error(`${pkg.name}: dist/ is missing: build first (pnpm build at the repository root)`);
  process.exit(1);
}
