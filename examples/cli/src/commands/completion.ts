/**
 * `completion bash|zsh`: a completion script generated from the command table, so it always
 * offers the commands and options that exist.
 */
import { GLOBAL_OPTIONS, PROGRAM, UsageError, type Command } from '../cli.ts';

/** Every command line's words and the options after them, for the shell script. */
function table(commands: readonly Command[]): { words: string; options: string }[] {
  return commands.flatMap((c) =>
    [c.words, ...(c.aliases ?? [])].map((words) => ({
      words: words.join(' '),
      options: Object.keys({ ...c.options, ...GLOBAL_OPTIONS })
        .map((o) => `--${o}`)
        .join(' '),
    })),
  );
}

/** The bash completion script (zsh loads it with bashcompinit). */
export function bashCompletion(commands: readonly Command[]): string {
  const rows = table(commands);
  const firsts = [...new Set(commands.map((c) => c.words[0]))].join(' ');
  const cases = rows.map((r) => `    "${r.words}") opts="${r.options}" ;;`).join('\n');
  const seconds = [...new Set(commands.map((c) => c.words[0]))]
    .map((w) => {
      const next = [
        ...new Set(
          rows.filter((r) => r.words.startsWith(`${w} `)).map((r) => r.words.split(' ')[1]),
        ),
      ];
      return next.length === 0 ? '' : `    ${w}) words="${next.join(' ')}" ;;`;
    })
    .filter((l) => l !== '')
    .join('\n');
  return `# ${PROGRAM} completion for bash. Load with: source <(${PROGRAM} completion bash)
_${PROGRAM.replace(/-/g, '_')}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" words="" opts="" cmd=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${firsts} --help" -- "$cur") ); return
  fi
  if [ "$COMP_CWORD" -eq 2 ] && [[ "$cur" != -* ]]; then
    case "\${COMP_WORDS[1]}" in
${seconds}
    esac
    if [ -n "$words" ]; then COMPREPLY=( $(compgen -W "$words" -- "$cur") ); return; fi
  fi
  cmd="\${COMP_WORDS[1]} \${COMP_WORDS[2]}"
  case "$cmd" in
${cases}
  esac
  if [ -z "$opts" ]; then
    case "\${COMP_WORDS[1]}" in
${rows
  .filter((r) => !r.words.includes(' '))
  .map((r) => `    "${r.words}") opts="${r.options}" ;;`)
  .join('\n')}
    esac
  fi
  case "\${COMP_WORDS[COMP_CWORD-1]}" in
    -f|--filename|--kubeconfig|--workload-kubeconfig|--config|--*-file) COMPREPLY=( $(compgen -f -- "$cur") ); return ;;
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _${PROGRAM.replace(/-/g, '_')} ${PROGRAM}
`;
}

/** The completion command, given the table it completes. */
export function completionCommand(all: () => readonly Command[]): Command {
  const command: Command = {
    words: ['completion'],
    summary: 'print a shell completion script (bash, or zsh through bashcompinit)',
    args: 'bash|zsh',
    minArgs: 1,
    maxArgs: 1,
    options: {},
    examples: [
      `source <(${PROGRAM} completion bash)`,
      `autoload -U +X bashcompinit && bashcompinit && source <(${PROGRAM} completion zsh)`,
    ],
    run(ctx) {
      const shell = ctx.args[0];
      if (shell !== 'bash' && shell !== 'zsh')
        throw new UsageError(`completion supports bash and zsh, not "${shell ?? ''}"`, command);
      ctx.io.stdout(bashCompletion(all()));
      return Promise.resolve();
    },
  };
  return command;
}
