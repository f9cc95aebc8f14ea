import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base.ts';

export default defineConfig({
  ...packageBuild,
  // The package, the node-side provider's API (@eksa-credprov/aws/provider) and its bin.
  entry: {
    index: 'src/index.ts',
    provider: 'src/provider.ts',
    'bin/provider': 'src/bin/provider.ts',
  },
  // Types for the two import entries only: the bin has no exports (an empty .d.ts would ship).
  dts: { entry: { index: 'src/index.ts', provider: 'src/provider.ts' } },
});
