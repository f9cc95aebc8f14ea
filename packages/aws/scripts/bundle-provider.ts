// Builds the node-side provider as one file, dist/eksa-ecr-credential-provider.cjs: everything
// it can load (core, the AWS SDK's ECR client and credential chain for the profiles it does
// not serve itself) inlined, as CommonJS; scripts/build-bun.ts compiles it into the Bun
// executables. Run by `pnpm build` after tsup.
import { build, type BuildOptions } from 'esbuild';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  minify: true,
  legalComments: 'eof',
  conditions: ['@eksa-credprov/source'],
  // The provider never parses YAML: tree-shaking leaves core's yaml module out, and this keeps
  // it out should that ever change by mistake (the bundle would then fail loudly).
  external: ['yaml'],
  // No import.meta.url shim: nothing bundled here reads it (esbuild warns should that change),
  // and the shim loaded node:url on every start (about 1.3 ms under Bun).
  // import() becomes require(): under Node a real dynamic import loads the ESM loader (about
  // 30 ms) for the one-file bundle.
  supported: { 'dynamic-import': false },
  metafile: true,
  logLevel: 'warning',
};
for (const [entry, out] of [
  ['src/bin/provider.ts', 'dist/eksa-ecr-credential-provider.cjs'],
] as const) {
  const result = await build({
    ...common,
    entryPoints: [resolve(root, entry)],
    outfile: resolve(root, out),
  });
  const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0);
  console.log(`bundle: ${out} (${(bytes / 1024).toFixed(0)} KB)`);
}
