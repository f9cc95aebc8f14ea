/**
 * The command-line frame of eksa-credprov: commands as plain data (words, options, help,
 * examples), argument parsing with node:util's parseArgs, help and shell completion generated from
 * the same table, and one error policy: exit 0 on success, 1 on failure, 2 on a usage error; one
 * line on stderr, the cause chain with `--verbose`; no secret in either.
 */
import cliPackage from '../package.json' with { type: 'json' };
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isCredprovError, isValidationError, safeText } from '@eksa-credprov/core';

/** Where a command reads and writes: the process's streams, or a test's buffers. */
export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of stdin (for `-f -`). */
  readonly readStdin: () => Promise<string>;
  /** Whether stderr is a terminal (progress is redrawn in place there). */
  readonly interactive: boolean;
}

/** One option of a command. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's name in help, such as `FILE`. */
  readonly value?: string;
  readonly description: string;
  /** Required options are checked before the command runs. */
  readonly required?: boolean;
  /** Allowed values (checked, and offered by completion). */
  readonly choices?: readonly string[];
}

/** What a command receives. */
export interface CommandContext {
  readonly values: Readonly<Record<string, string | boolean | string[] | undefined>>;
  readonly args: readonly string[];
  readonly io: Io;
  readonly verbose: boolean;
}

/** One command: its words, options, help and what it does. */
export interface Command {
  /** The words that name it, such as `['get', 'packages']`. */
  readonly words: readonly string[];
  /** Other spellings (eksctl accepts `package` and `packages`). */
  readonly aliases?: readonly (readonly string[])[];
  readonly summary: string;
  /** Positional arguments in help, such as `NAME...`. */
  readonly args?: string;
  readonly minArgs?: number;
  readonly maxArgs?: number;
  readonly options: Readonly<Record<string, OptionSpec>>;
  readonly description?: string;
  readonly examples: readonly string[];
  readonly run: (ctx: CommandContext) => Promise<void>;
}

/** A string option's value, or undefined when it was not given. */
export function str(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The command whose help to point at. */
  readonly command: Command | undefined;
  constructor(message: string, command?: Command) {
    super(message);
    this.command = command;
  }
}

/** A failure the command already explained (the message is the whole story): exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export const PROGRAM = 'eksa-credprov';

/** Options every command takes. */
export const GLOBAL_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  kubeconfig: {
    type: 'string',
    value: 'FILE',
    description:
      'kubeconfig of the management cluster (default: $KUBECONFIG, its files merged as kubectl does, else ~/.kube/config)',
  },
  'request-timeout': {
    type: 'string',
    value: 'DURATION',
    description: 'how long one cluster call may take, retries included (default 15s)',
  },
  verbose: { type: 'boolean', short: 'v', description: 'on failure, also print the cause chain' },
  help: { type: 'boolean', short: 'h', description: 'show help for the command' },
};

function optionsConfig(command: Command): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, spec] of Object.entries({ ...GLOBAL_OPTIONS, ...command.options })) {
    out[name] = {
      type: spec.type,
      ...(spec.multiple === true ? { multiple: true } : {}),
      ...(spec.short === undefined ? {} : { short: spec.short }),
    };
  }
  return out;
}

/** Finds the command named by the leading words of argv (the longest match). */
export function findCommand(
  commands: readonly Command[],
  argv: readonly string[],
): { command: Command; rest: string[] } | undefined {
  let best: { command: Command; length: number } | undefined;
  for (const command of commands) {
    for (const words of [command.words, ...(command.aliases ?? [])]) {
      if (
        words.length <= argv.length &&
        words.every((w, i) => argv[i] === w) &&
        (best === undefined || words.length > best.length)
      )
        best = { command, length: words.length };
    }
  }
  return best === undefined ? undefined : { command: best.command, rest: argv.slice(best.length) };
}

/** Help for one command: usage, options, examples. */
export function commandHelp(command: Command): string {
  const lines = [
    command.summary,
    '',
    `Usage: ${PROGRAM} ${command.words.join(' ')}${command.args === undefined ? '' : ` ${command.args}`} [options]`,
  ];
  if (command.aliases !== undefined && command.aliases.length > 0)
    lines.push(`Also:  ${command.aliases.map((a) => `${PROGRAM} ${a.join(' ')}`).join(', ')}`);
  if (command.description !== undefined) lines.push('', command.description);
  const table = (options: Readonly<Record<string, OptionSpec>>): string[] =>
    Object.entries(options).map(([name, spec]) => {
      const flag = `${spec.short === undefined ? '    ' : `-${spec.short}, `}--${name}${spec.value === undefined ? '' : ` ${spec.value}`}`;
      const notes = [
        spec.required === true ? 'required' : undefined,
        spec.multiple === true ? 'repeatable' : undefined,
        spec.choices === undefined ? undefined : `one of ${spec.choices.join(', ')}`,
      ].filter((n) => n !== undefined);
      return `  ${flag.padEnd(34)} ${spec.description}${notes.length === 0 ? '' : ` (${notes.join('; ')})`}`;
    });
  if (Object.keys(command.options).length > 0)
    lines.push('', 'Options:', ...table(command.options));
  lines.push('', 'Global options:', ...table(GLOBAL_OPTIONS));
  if (command.examples.length > 0)
    lines.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** The top-level help: every command with its summary. */
export function programHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.words.join(' ').length)) + 2;
  return [
    `${PROGRAM}: the EKS Anywhere credential-provider package, from the command line.`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.words.join(' ').padEnd(width)} ${c.summary}`),
    '',
    `Run '${PROGRAM} <command> --help' for a command's options and examples.`,
    `Run '${PROGRAM} --version' for the version.`,
    'Exit codes: 0 success, 1 failure, 2 usage error.',
    '',
  ].join('\n');
}

/**
 * The help of a command group (`generate`, `secret`, ...): its commands and what each does, or
 * undefined when `group` is not the first word of any command.
 */
export function groupHelp(commands: readonly Command[], group: string): string | undefined {
  const members = commands.filter((c) => c.words.length > 1 && c.words[0] === group);
  if (members.length === 0) return undefined;
  const width = Math.max(...members.map((c) => c.words.join(' ').length)) + 2;
  return [
    `Usage: ${PROGRAM} ${group} <command> [options]`,
    '',
    'Commands:',
    ...members.map((c) => `  ${c.words.join(' ').padEnd(width)} ${c.summary}`),
    '',
    `Run '${PROGRAM} ${group} <command> --help' for a command's options and examples.`,
    '',
  ].join('\n');
}

const HELP_WORDS = new Set(['--help', '-h', 'help']);

/** Parses a command's options and positionals, checking what parseArgs does not. */
export function parseCommandArgs(
  command: Command,
  argv: readonly string[],
): { values: Record<string, string | boolean | string[] | undefined>; args: string[] } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: optionsConfig(command),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    // parseArgs names the flag; its hint about "--" is not useful here.
    const message = (e instanceof Error ? e.message : String(e)).replace(
      /\s*To specify a positional argument.*$/s,
      '',
    );
    throw new UsageError(message, command);
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values['help'] === true) return { values, args: parsed.positionals };
  for (const [name, spec] of Object.entries(command.options)) {
    const value = values[name];
    if (spec.required === true && value === undefined)
      throw new UsageError(`--${name} is required`, command);
    if (spec.choices !== undefined && typeof value === 'string' && !spec.choices.includes(value))
      throw new UsageError(
        `--${name} must be one of ${spec.choices.join(', ')}, not "${value}"`,
        command,
      );
  }
  const count = parsed.positionals.length;
  if (count < (command.minArgs ?? 0))
    throw new UsageError(
      `${command.words.join(' ')} needs ${command.args ?? 'an argument'}`,
      command,
    );
  if (count > (command.maxArgs ?? Number.POSITIVE_INFINITY))
    throw new UsageError(
      `unexpected argument "${parsed.positionals[command.maxArgs ?? 0] ?? ''}"`,
      command,
    );
  return { values, args: parsed.positionals };
}

/** Environment variables whose values are secrets. */
const SECRET_VARIABLE = /SECRET|TOKEN|PASSWORD|PASSPHRASE/i;

/**
 * `text` with the values of the secret variables of `env` (AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN, …) replaced: a last guard for what a cause chain or another program may
 * repeat. Lines are kept; each is cut to 2,000 characters with control characters escaped.
 */
export function redact(text: string, env: Readonly<Record<string, string | undefined>>): string {
  const secrets = Object.entries(env)
    .filter(([name, value]) => SECRET_VARIABLE.test(name) && value !== undefined)
    .map(([, value]) => value ?? '');
  return text
    .split('\n')
    .map((line) => safeText(line, { max: 2000, secrets }))
    .join('\n');
}

/** The message of an error, and its causes one per line (for `--verbose`). */
export function describeError(e: unknown, verbose: boolean): string {
  const first = isValidationError(e)
    ? `${e.message}:\n${e.issues.map((i) => `  ${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('\n')}`
    : e instanceof Error
      ? e.message
      : String(e);
  const lines = [`${PROGRAM}: ${first}`];
  if (verbose) {
    let cause = (e as { cause?: unknown }).cause;
    for (let depth = 0; cause !== undefined && depth < 8; depth++) {
      const code = isCredprovError(cause) ? ` [${cause.code}]` : '';
      lines.push(
        `  caused by: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : JSON.stringify(cause)}${code}`,
      );
      cause = (cause as { cause?: unknown }).cause;
    }
  } else if ((e as { cause?: unknown }).cause !== undefined) {
    lines.push(`  (--verbose shows the cause)`);
  }
  return `${lines.join('\n')}\n`;
}

/** Global options may come before the command (`--kubeconfig F get packages`): move them after. */
function moveLeadingGlobals(argv: readonly string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i] ?? '';
    if ((arg === '--kubeconfig' || arg === '--request-timeout') && i + 1 < argv.length) {
      leading.push(arg, argv[i + 1] ?? '');
      i += 2;
    } else if (
      arg.startsWith('--kubeconfig=') ||
      arg.startsWith('--request-timeout=') ||
      arg === '--verbose' ||
      arg === '-v'
    ) {
      leading.push(arg);
      i++;
    } else break;
  }
  return i === 0 || i === argv.length ? [...argv] : [...argv.slice(i), ...leading];
}

/** This CLI's version, from its package.json (inlined when bundled). */
export const CLI_VERSION: string = cliPackage.version;

/**
 * Runs the CLI with `argv` (without the program name).
 *
 * @returns the exit code.
 */
export async function runCli(
  commands: readonly Command[],
  input: readonly string[],
  io: Io,
): Promise<number> {
  const argv = moveLeadingGlobals(input);
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
    io.stdout(`${PROGRAM} ${CLI_VERSION}\n`);
    return 0;
  }
  if (argv.length === 0 || HELP_WORDS.has(argv[0] ?? '')) {
    // `help <command>` or `help <group>`; anything else gets the program's help.
    const topic = argv[0] === 'help' ? argv.slice(1) : [];
    const found = topic.length === 0 ? undefined : findCommand(commands, topic);
    io.stdout(
      found === undefined
        ? (groupHelp(commands, topic[0] ?? '') ?? programHelp(commands))
        : commandHelp(found.command),
    );
    return 0;
  }
  const found = findCommand(commands, argv);
  // A group alone, or followed by a help flag: its commands.
  const group = groupHelp(commands, argv[0] ?? '');
  if (
    found === undefined &&
    group !== undefined &&
    (argv.length === 1 || HELP_WORDS.has(argv[1] ?? ''))
  ) {
    if (argv.length === 1) {
      io.stderr(`${PROGRAM}: "${argv[0] ?? ''}" needs a command\n${group}`);
      return 2;
    }
    io.stdout(group);
    return 0;
  }
  try {
    if (found === undefined) {
      const known = new Set(commands.map((c) => c.words[0]));
      const first = argv[0] ?? '';
      throw new UsageError(
        known.has(first)
          ? `"${argv.slice(0, 2).join(' ')}" is not a command; see '${PROGRAM} ${first} --help' or '${PROGRAM} --help'`
          : `unknown command "${first}"; see '${PROGRAM} --help'`,
      );
    }
    const { values, args } = parseCommandArgs(found.command, found.rest);
    if (values['help'] === true) {
      io.stdout(commandHelp(found.command));
      return 0;
    }
    await found.command.run({ values, args, io, verbose });
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(
        `${PROGRAM}: ${e.message}\nRun '${PROGRAM} ${e.command === undefined ? '' : `${e.command.words.join(' ')} `}--help' for usage.\n`,
      );
      return 2;
    }
    io.stderr(redact(describeError(e, verbose), io.env));
    return 1;
  }
}
