/**
 * Refuses an unsupported Node.js when the package is loaded, with a message that names the
 * version, instead of a failure deep inside a dependency (on Node 20, `@kubernetes/client-node` 2
 * fails in undici with "Cannot read properties of undefined (reading 'bind')"). Node 22.19 is the
 * floor: `require()` of these ES modules works from 22.12, and 20 is past end of life.
 *
 * @internal
 */
export const MINIMUM_NODE_VERSION = '22.19.0';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 19))
  throw new Error(
    `eksa-credprov needs Node.js ${MINIMUM_NODE_VERSION} or later; this is Node.js ${process.version}. Install a supported Node.js (22 or 24 LTS).`,
  );
