// Builds the API reference (TypeDoc, from the TSDoc; warnings are errors, so a broken {@link}
// or an undocumented export fails) and checks every relative link and #anchor in the Markdown
// docs. No network: external links are not fetched.
//   node scripts/check-docs.ts
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*)$/.exec(line);
    if (m === null) continue;
    const base = slug(m[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

function markdownFiles(): string[] {
  const files = [join(ROOT, 'README.md')];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === 'api' || name === 'dist') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  walk(join(ROOT, 'docs'));
  walk(join(ROOT, 'examples'));
  return files;
}

const problems: string[] = [];
let links = 0;

// The API reference first: the Markdown links into docs/api are checked against it.
try {
  execFileSync(join(ROOT, 'node_modules/.bin/typedoc'), ['--logLevel', 'Warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
} catch (e) {
  const err = e as { stdout?: Buffer; stderr?: Buffer };
  problems.push(`typedoc:\n${String(err.stdout ?? '')}${String(err.stderr ?? '')}`);
}

for (const file of markdownFiles()) {
  let fenced = false;
  for (const [i, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    if (line.startsWith('```')) fenced = !fenced;
    if (fenced) continue;
    for (const m of line.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const target = m[1] ?? '';
      if (/^[a-z]+:/i.test(target)) continue;
      links++;
      const [path = '', anchor] = target.split('#');
      const resolved = path === '' ? file : resolve(dirname(file), path);
      const where = `${relative(ROOT, file)}:${i + 1}`;
      if (!existsSync(resolved)) problems.push(`${where}: ${target}: no such file`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor))
        problems.push(`${where}: ${target}: no heading #${anchor} in ${relative(ROOT, resolved)}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`docs: ${problems.length} problem(s):\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`docs: ${links} relative links checked; API reference built in docs/api (no warnings)`);
