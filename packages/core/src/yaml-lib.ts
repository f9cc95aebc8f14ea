import { createRequire } from 'node:module';
import type * as YamlLib from 'yaml';

let lib: typeof YamlLib | undefined;

/**
 * The `yaml` package, loaded on first use. It is 74 files and takes about 40 ms to load, more
 * than the rest of this package together, and the matcher and kubelet-protocol functions (what
 * the node-side provider runs on every exec) never need it.
 *
 * @internal
 */
export function yamlLib(): typeof YamlLib {
  lib ??= createRequire(import.meta.url)('yaml') as typeof YamlLib;
  return lib;
}
