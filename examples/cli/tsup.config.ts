import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base.ts';

export default defineConfig({
  ...packageBuild,
  // An application: one entry, no type declarations; the SDK packages stay external.
  entry: { main: 'src/main.ts' },
  dts: false,
  // No source map: the published CLI would point at a file it does not ship.
  sourcemap: false,
});
