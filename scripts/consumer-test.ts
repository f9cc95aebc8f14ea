// The packages as an npm user gets them: packs every publishable package with pnpm, installs the
// tarballs into a temporary npm project (no pnpm, no workspace) and checks what users do with
// them. Run by scripts/test after the build; prints one line per check and exits 1 on the first
// failure, saying which.
//   node scripts/consumer-test.ts
import { execFileSync, spawnSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const root = resolve(import.meta.dirname, '..');
const bin = (name: string): string => join(root, 'node_modules/.bin', name);
const PACKAGES = [
  { dir: 'packages/core', name: '@eksa-credprov/core', entries: ['.'] },
  { dir: 'packages/kube', name: '@eksa-credprov/kube', entries: ['.'] },
  { dir: 'packages/aws', name: '@eksa-credprov/aws', entries: ['.', './provider'] },
  { dir: 'examples/cli', name: '@eksa-credprov/cli', entries: [] },
] as const;

const work = mkdtempSync(join(tmpdir(), 'eksa-credprov-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
const elsewhere = join(work, 'elsewhere');
let checks = 0;

function ok(what: string): void {
  checks++;
  console.log(`consumer: ok   ${what}`);
}

function fail(what: string, detail: string): never {
  console.error(`consumer: FAIL ${what}\n${detail}`);
  console.error(`consumer: the project is kept in ${work}`);
  process.exit(1);
}

/** Runs a command; its output on failure. */
function run(
  what: string,
  argv: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; expectFailure?: boolean },
): string {
  const [command = '', ...args] = argv;
  const r = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  const out = `${r.stdout}${r.stderr}`;
  const failed = r.status !== 0;
  if (failed !== (options.expectFailure === true))
    fail(what, `${command} ${args.join(' ')} exited ${String(r.status)}\n${out.slice(-4000)}`);
  return out;
}

// 1. Pack with pnpm (the prepack guard lets pnpm through) and look inside the tarballs.
mkdirSync(tarballs, { recursive: true });
const packed: Record<string, string> = {};
for (const p of PACKAGES) {
  const before = new Set(readdirSync(tarballs));
  run(`pnpm pack ${p.name}`, ['pnpm', 'pack', '--pack-destination', tarballs], {
    cwd: join(root, p.dir),
  });
  const file = readdirSync(tarballs).find((f) => !before.has(f));
  if (file === undefined) fail(`pnpm pack ${p.name}`, 'no tarball was written');
  packed[p.name] = join(tarballs, file);
  const listing = execFileSync('tar', ['-tvzf', packed[p.name] ?? ''], { encoding: 'utf8' });
  const files = listing.split('\n').filter((l) => l !== '');
  const named = (re: RegExp): string[] => files.filter((l) => re.test(l));
  if (named(/package\/LICENSE$/).length !== 1) fail(`${p.name} tarball`, 'no LICENSE');
  // `tar -tv` lines: mode, owner, size, date, time, path.
  const bad = files.filter((l) => {
    const [, , size, , , path = ''] = l.split(/\s+/);
    return (
      (/\.test\.ts$|tsup\.config|^package\/src\/|\.map$/.test(path) &&
        !(p.name !== '@eksa-credprov/cli' && path.endsWith('.map'))) ||
      (path.endsWith('.d.ts') && size === '0')
    );
  });
  if (bad.length > 0) fail(`${p.name} tarball`, `ships what it should not:\n${bad.join('\n')}`);
  const manifest = execFileSync('tar', ['-xzOf', packed[p.name] ?? '', 'package/package.json'], {
    encoding: 'utf8',
  });
  if (/"(workspace|catalog):/.test(manifest))
    fail(`${p.name} tarball`, 'package.json still holds workspace: or catalog: specifiers');
  if (p.name === '@eksa-credprov/aws') {
    const bundle = named(/package\/dist\/eksa-ecr-credential-provider\.cjs$/)[0] ?? '';
    if (!bundle.startsWith('-rwx'))
      fail(`${p.name} tarball`, `the provider bundle is not executable: ${bundle}`);
  }
  ok(
    `${p.name}: packed with LICENSE, no tests or sources, versions instead of workspace:/catalog:`,
  );
}

// 2. The guard: npm would ship workspace:/catalog: as they are, so packing with npm is refused.
const guard = run('npm pack is refused', ['npm', 'pack', '--dry-run'], {
  cwd: join(root, 'packages/kube'),
  expectFailure: true,
});
if (!/refusing to pack with npm.*Pack and publish with pnpm/s.test(guard))
  fail('npm pack is refused', guard);
ok('npm pack is refused by the prepack guard, naming the specifiers and pnpm');

// 3. Install the tarballs into a fresh npm project, outside the repository.
mkdirSync(app, { recursive: true });
const catalog = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8');
const pinned = (name: string): string => {
  const m = new RegExp(`^  '?${name.replace(/[/@]/g, (c) => `\\${c}`)}'?: (\\S+)$`, 'm').exec(
    catalog,
  );
  if (m === null) fail('catalog', `no version of ${name} in pnpm-workspace.yaml`);
  return `${name}@${m[1] ?? ''}`;
};
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
);
run(
  'npm install of the tarballs',
  [
    'npm',
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
    ...Object.values(packed),
    pinned('@kubernetes/client-node'),
    pinned('@types/node'),
    pinned('typescript'),
    // The TypeScript before 6, which many projects still compile with.
    'typescript59@npm:typescript@5.9.3',
  ],
  { cwd: app, env: { npm_config_cache: join(root, '.tools/npm-cache') } },
);
ok('npm installs every tarball with its dependencies');

// 4. Every entry point with import and with require().
const entries = PACKAGES.flatMap((p) =>
  p.entries.map((e) => (e === '.' ? p.name : `${p.name}${e.slice(1)}`)),
);
writeFileSync(
  join(app, 'load.mjs'),
  `import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
for (const e of ${JSON.stringify(entries)}) {
  const esm = await import(e);
  const cjs = require(e);
  const names = Object.keys(esm).sort();
  if (names.length === 0 || JSON.stringify(Object.keys(cjs).sort()) !== JSON.stringify(names))
    throw new Error(e + ': import and require() disagree');
  console.log(e, names.length, 'exports');
}
`,
);
run('import and require() of every entry point', [process.execPath, 'load.mjs'], { cwd: app });
ok(`import and require() of ${entries.join(', ')}`);

// 5. The README examples type-check as users compile them.
const examples: string[] = [];
for (const p of PACKAGES.filter((x) => x.dir.startsWith('packages/'))) {
  const readme = readFileSync(join(root, p.dir, 'README.md'), 'utf8');
  for (const [i, m] of [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
    const file = `example-${p.dir.split('/')[1] ?? ''}-${i}.ts`;
    writeFileSync(
      join(app, file),
      // Names the examples leave to the reader.
      `declare const accessKeyId: string;\ndeclare const secretAccessKey: string;\n${m[1] ?? ''}\nexport {};\n`,
    );
    examples.push(file);
  }
}
if (examples.length < 3) fail('README examples', `found only ${examples.length}`);
for (const [compiler, tsc] of [
  ['TypeScript 6', join(app, 'node_modules/typescript/bin/tsc')],
  ['TypeScript 5.9', join(app, 'node_modules/typescript59/bin/tsc')],
] as const) {
  for (const [module, resolution] of [
    ['nodenext', 'nodenext'],
    ['node16', 'node16'],
    ['esnext', 'bundler'],
  ] as const) {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'es2023',
          module,
          moduleResolution: resolution,
          strict: true,
          noEmit: true,
          types: ['node'],
          // As most projects compile: @kubernetes/client-node's own types need @types/ws otherwise.
          skipLibCheck: true,
        },
        files: examples,
      }),
    );
    run(`tsc (${compiler}, ${resolution})`, [process.execPath, tsc, '-p', 'tsconfig.json'], {
      cwd: app,
    });
  }
  ok(
    `the ${examples.length} README examples type-check with ${compiler} under nodenext, node16 and bundler`,
  );
}

// 6. Bundles run where there is no node_modules.
writeFileSync(
  join(app, 'bundle-me.mjs'),
  `import { createCredentialProviderPackage, parseYaml, toYaml, matchImage } from '@eksa-credprov/core';
const text = toYaml(createCredentialProviderPackage({ clusterName: 'mgmt' }));
const [pkg] = parseYaml(text);
if (pkg.kind !== 'Package' || !matchImage('*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.us-west-2.amazonaws.com/x'))
  throw new Error('wrong result');
console.log('bundle ran');
`,
);
rmSync(elsewhere, { recursive: true, force: true });
mkdirSync(elsewhere);
for (const format of ['esm', 'cjs'] as const) {
  const out = join(elsewhere, `esbuild.${format === 'esm' ? 'mjs' : 'cjs'}`);
  await build({
    entryPoints: [join(app, 'bundle-me.mjs')],
    absWorkingDir: app,
    bundle: true,
    platform: 'node',
    format,
    outfile: out,
    logLevel: 'error',
    // esbuild's documented shim for ESM output on Node: yaml, a dependency, is CommonJS for Node
    // and requires Node's built-ins, which an ES module has no require() for.
    ...(format === 'esm'
      ? {
          banner: {
            js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
          },
        }
      : {}),
  });
  const said = run(`esbuild ${format} bundle`, [process.execPath, out], { cwd: elsewhere });
  if (!said.includes('bundle ran')) fail(`esbuild ${format} bundle`, said);
  ok(
    `an esbuild ${format.toUpperCase()} bundle of a core program runs from a directory with no node_modules`,
  );
}
writeFileSync(
  join(app, 'rollup.config.mjs'),
  `import { nodeResolve } from '${join(root, 'node_modules/@rollup/plugin-node-resolve/dist/es/index.js')}';
import commonjs from '${join(root, 'node_modules/@rollup/plugin-commonjs/dist/es/index.js')}';
export default { input: 'bundle-me.mjs', output: { file: ${JSON.stringify(join(elsewhere, 'rollup.mjs'))}, format: 'es', inlineDynamicImports: true }, plugins: [nodeResolve({ exportConditions: ['node'], preferBuiltins: true }), commonjs()], onwarn(w, warn) { if (w.code !== 'CIRCULAR_DEPENDENCY') warn(w); } };
`,
);
run('rollup bundle', [bin('rollup'), '-c', 'rollup.config.mjs', '--silent'], { cwd: app });
const rolled = run('rollup bundle runs', [process.execPath, join(elsewhere, 'rollup.mjs')], {
  cwd: elsewhere,
});
if (!rolled.includes('bundle ran')) fail('rollup bundle runs', rolled);
ok('a Rollup bundle of the same program runs from a directory with no node_modules');

// 7. Every bin answers --help and --version.
const version = (name: string): string =>
  (
    JSON.parse(
      readFileSync(
        join(root, PACKAGES.find((p) => p.name === name)?.dir ?? '', 'package.json'),
        'utf8',
      ),
    ) as { version: string }
  ).version;
for (const [command, owner] of [
  ['eksa-credprov', '@eksa-credprov/cli'],
  ['eksa-ecr-credential-provider', '@eksa-credprov/aws'],
] as const) {
  const path = join(app, 'node_modules/.bin', command);
  const help = run(`${command} --help`, [path, '--help'], { cwd: app });
  if (!help.includes('Usage: ')) fail(`${command} --help`, help);
  const said = run(`${command} --version`, [path, '--version'], { cwd: app }).trim();
  if (said !== `${command} ${version(owner)}`) fail(`${command} --version`, said);
  ok(`${command} --help and --version (${said})`);
}
// npx with the CLI's tarball, and the SDK's (not on the registry yet), as its packages.
const npx = run(
  'npx <CLI tarball> --help',
  [
    'npm',
    'exec',
    '--yes',
    ...Object.values(packed).map((t) => `--package=${t}`),
    '--',
    'eksa-credprov',
    '--help',
  ],
  { cwd: elsewhere, env: { npm_config_cache: join(root, '.tools/npm-cache') } },
);
if (!npx.includes('Usage: eksa-credprov')) fail('npx <CLI tarball> --help', npx);
ok('npx with the CLI tarball runs eksa-credprov --help');
const installedBundle = join(
  app,
  'node_modules/@eksa-credprov/aws/dist/eksa-ecr-credential-provider.cjs',
);
if ((statSync(installedBundle).mode & 0o111) === 0)
  fail('provider bundle', 'not executable after install');
const direct = run('the provider bundle runs by itself', [installedBundle, '--version'], {
  cwd: app,
});
if (!direct.startsWith('eksa-ecr-credential-provider '))
  fail('the provider bundle runs by itself', direct);
ok('the one-file provider bundle is executable as installed');

// 8. publint --strict and Are the Types Wrong (ESM-only profile) on every tarball.
for (const p of PACKAGES) {
  const tarball = packed[p.name] ?? '';
  run(`publint ${p.name}`, [bin('publint'), 'run', tarball, '--strict'], { cwd: work });
  if (p.entries.length > 0)
    run(`attw ${p.name}`, [bin('attw'), tarball, '--profile', 'esm-only', '--format', 'ascii'], {
      cwd: work,
    });
  ok(
    `${p.name}: publint --strict${p.entries.length > 0 ? ' and attw --profile esm-only' : ''} pass`,
  );
}

// 9. An unsupported Node.js is refused by name (when this machine has one to try).
const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((f) => {
  try {
    return statSync(f).isFile();
  } catch {
    return false;
  }
});
const systemMajor =
  systemNode === undefined
    ? undefined
    : Number(
        execFileSync(systemNode, ['-p', 'process.versions.node.split(".")[0]'], {
          encoding: 'utf8',
        }),
      );
if (systemNode !== undefined && systemMajor !== undefined && systemMajor < 22) {
  for (const e of ['@eksa-credprov/core', '@eksa-credprov/kube', '@eksa-credprov/aws']) {
    const said = run(
      `${e} on Node ${systemMajor}`,
      [systemNode, '--input-type=module', '-e', `await import('${e}')`],
      {
        cwd: app,
        expectFailure: true,
      },
    );
    if (!/eksa-credprov needs Node\.js 22\.19(\.0)? or later; this is Node\.js v/.test(said))
      fail(`${e} on Node ${systemMajor}`, said);
  }
  ok(`core, kube and aws refuse Node ${systemMajor} by name`);
} else {
  console.log('consumer: note  no Node older than 22 on this machine: the refusal was not tried');
}

rmSync(work, { recursive: true, force: true });
console.log(`consumer: ${checks} checks passed`);
