// Refuses an unsupported Node.js with a message that names the version. CommonJS on purpose:
// Node runs the CommonJS modules of an import graph as it loads them, before any ES module is
// evaluated, so only a CommonJS check imported first runs before a dependency such as
// @kubernetes/client-node 2, which on Node 20 fails inside undici ("Cannot read properties of
// undefined (reading 'bind')"). @eksa-credprov/kube and @eksa-credprov/aws import it first.
'use strict';
const MINIMUM = [22, 19];
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < MINIMUM[0] || (major === MINIMUM[0] && minor < MINIMUM[1])) {
  throw new Error(
    `eksa-credprov needs Node.js ${MINIMUM.join('.')} or later; this is Node.js ${process.version}. Install a supported Node.js (22 or 24 LTS).`,
  );
}
