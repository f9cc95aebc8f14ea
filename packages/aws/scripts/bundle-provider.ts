// Builds the node-side provider as one file, dist/eksa-ecr-credential-provider.cjs: everything
// it can load (core, the AWS SDK's ECR client and credential chain for the profiles it does
// not serve itself) inlined, as CommonJS. Also dist/sea-main.cjs, the same code with the
// start-up-snapshot entry, the main script of the Node single executable (scripts/build-sea.ts).
// Run by `pnpm build` after tsup.
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
  // core loads yaml lazily through createRequire(import.meta.url); the provider never needs YAML.
  external: ['yaml'],
  banner: {
    js: 'const __importMetaUrl=require("node:url").pathToFileURL(__filename).href;',
  },
  define: { 'import.meta.url': '__importMetaUrl' },
  // import() becomes require(): a real dynamic import loads the ESM loader (about 30 ms) and
  // has no callback in a start-up snapshot (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING).
  supported: { 'dynamic-import': false },
  metafile: true,
  logLevel: 'warning',
};
for (const [entry, out] of [
  ['src/bin/provider.ts', 'dist/eksa-ecr-credential-provider.cjs'],
  ['src/bin/provider-snapshot.ts', 'dist/sea-main.cjs'],
] as const) {
  const result = await build({
    ...common,
    entryPoints: [resolve(root, entry)],
    outfile: resolve(root, out),
  });
  const bytes = Object.values(result.metafile?.outputs ?? {}).reduce((n, o) => n + o.bytes, 0);
  console.log(`bundle: ${out} (${(bytes / 1024).toFixed(0)} KB)`);
}
