import type { Options } from 'tsup';

/** The build every package shares: one ESM entry with types, for Node 22 and later. */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm'],
  target: 'node22',
  platform: 'node',
  dts: true,
  sourcemap: true,
  clean: true,
  silent: true,
};
