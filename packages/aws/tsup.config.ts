import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.config.base.ts';

export default defineConfig({
  ...packageBuild,
  // The package and the node-side provider's API (@eksa-credprov/aws/provider). The bin is the
  // one-file bundle scripts/bundle-provider.ts writes (dist/eksa-ecr-credential-provider.cjs):
  // self-contained, it starts faster than an ESM entry, and a package bin keeps its execute bit.
  entry: {
    index: 'src/index.ts',
    provider: 'src/provider.ts',
  },
});
