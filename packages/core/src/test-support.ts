/**
 * Helpers shared by this package's tests. Not exported from the package.
 *
 * @internal
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isValidationError, type ValidationIssue } from './errors.ts';

/**
 * Runs `fn`, which must throw a {@link ValidationError}, and returns its issues.
 * `forbidden` lists strings (secret values) that must not appear in the error message.
 */
export function issuesOf(fn: () => unknown, forbidden: readonly string[] = []): ValidationIssue[] {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (thrown === undefined) throw new Error('expected a ValidationError');
  if (!isValidationError(thrown)) throw new Error('expected a ValidationError', { cause: thrown });
  const leaked = forbidden.filter((secret) => thrown.message.includes(secret));
  if (leaked.length > 0)
    throw new Error(`${leaked.length} secret value(s) appeared in the error message`);
  return [...thrown.issues];
}

let jsReads = 0;

/**
 * What the AWS SDK for JavaScript's own loader (`@smithy/core/config`, the one `fromIni` uses)
 * reads for `profile` from these file texts (undefined: no such file), merged as `fromIni` merges
 * them (credentials file keys win). Empty values are left out, as the SDKs treat them as unset.
 */
export async function jsSdkProfile(files: {
  readonly config?: string | undefined;
  readonly credentials?: string | undefined;
  readonly profile: string;
}): Promise<Record<string, string> | undefined> {
  const { externalDataInterceptor, loadSharedConfigFiles } = await import('@smithy/core/config');
  const base = `/nonexistent/eksa-credprov-js-sdk/${++jsReads}`;
  const paths = { configFilepath: `${base}/config`, filepath: `${base}/credentials` };
  if (files.config !== undefined)
    externalDataInterceptor.interceptFile(paths.configFilepath, files.config);
  if (files.credentials !== undefined)
    externalDataInterceptor.interceptFile(paths.filepath, files.credentials);
  try {
    const { configFile, credentialsFile } = await loadSharedConfigFiles({
      ...paths,
      ignoreCache: true,
    });
    const own = (o: Record<string, unknown>): Record<string, string> | undefined =>
      Object.hasOwn(o, files.profile) ? (o[files.profile] as Record<string, string>) : undefined;
    const fromConfig = own(configFile);
    const fromCredentials = own(credentialsFile);
    if (fromConfig === undefined && fromCredentials === undefined) return undefined;
    return nonEmpty({ ...fromConfig, ...fromCredentials });
  } finally {
    const record = externalDataInterceptor.getFileRecord();
    Reflect.deleteProperty(record, paths.configFilepath);
    Reflect.deleteProperty(record, paths.filepath);
  }
}

/** The settings without empty values (which every AWS SDK treats as unset). */
export function nonEmpty(settings: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== ''));
}

const GOREF = resolve(import.meta.dirname, '../../../.testenv/bin/goref');

/** One answer of testenv/goref. */
export interface GoAnswer {
  match?: boolean;
  ok?: boolean;
  ns?: string;
  string?: string;
  error?: string;
  settings?: Record<string, string>;
}

/** Sends requests to testenv/goref (the real Go code) and returns its answers, in order. */
export async function askGo(requests: readonly object[]): Promise<GoAnswer[]> {
  if (!existsSync(GOREF))
    throw new Error(`${GOREF} is missing: run scripts/build-go-tools (scripts/test does)`);
  const child = spawn(GOREF, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const answers: GoAnswer[] = [];
  const lines = createInterface({ input: child.stdout });
  const done = new Promise<void>((ok, fail) => {
    lines.on('line', (l) => answers.push(JSON.parse(l) as GoAnswer));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) ok();
      else fail(new Error(`goref exited with ${code}`));
    });
  });
  for (const r of requests) child.stdin.write(`${JSON.stringify(r)}\n`);
  child.stdin.end();
  await done;
  if (answers.length !== requests.length)
    throw new Error(`goref answered ${answers.length} of ${requests.length} requests`);
  return answers;
}
