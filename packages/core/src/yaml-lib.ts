import * as YamlLib from 'yaml';

/**
 * The `yaml` package, imported statically so that every bundler (esbuild, Rollup, webpack) follows
 * it into a bundle: an earlier `createRequire(import.meta.url)('yaml')` loaded it lazily, which no
 * bundler can follow, and a bundle then failed at run time wherever no `node_modules` held `yaml`.
 * The price is paid at import: loading `yaml` (74 files) costs most of this package's import
 * time. The node-side provider never pays it: its bundle tree-shakes this module away, since the
 * matcher and the kubelet protocol never parse YAML (this package is `sideEffects: false`).
 *
 * @internal
 */
export function yamlLib(): typeof YamlLib {
  return YamlLib;
}
