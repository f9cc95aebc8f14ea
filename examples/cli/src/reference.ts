// docs/cli.md, rendered from the command table so the reference cannot drift from the code
// (reference.test.ts fails when it does). Regenerate with:
//   node --conditions=@eksa-credprov/source examples/cli/src/reference.ts > docs/cli.md
import { pathToFileURL } from 'node:url';
import { GLOBAL_OPTIONS, PROGRAM, commandHelp, type Command } from './cli.ts';
import { COMMANDS } from './commands/index.ts';

/** The CLI reference as Markdown: every command's help, as `--help` prints it. */
export function renderCliReference(commands: readonly Command[]): string {
  const sections = commands.map(
    (c) =>
      `## ${PROGRAM} ${c.words.join(' ')}\n\n\`\`\`text\n${commandHelp(c).trimEnd()}\n\`\`\`\n`,
  );
  return `# CLI reference: ${PROGRAM}

<!-- Generated from examples/cli/src/commands by examples/cli/src/reference.ts; do not edit. -->

\`${PROGRAM}\` is the example CLI in \`examples/cli\` (\`pnpm --filter @eksa-credprov/cli exec eksa-credprov\`,
or \`node examples/cli/dist/main.js\`). It talks to the management cluster through the SDK (no
kubectl), and to AWS through the AWS SDK's usual configuration (\`AWS_PROFILE\`, \`AWS_REGION\`,
\`AWS_ENDPOINT_URL_*\`).

Exit codes: 0 success, 1 failure (one line on stderr; \`--verbose\` adds the cause chain), 2 usage
error. Secret values are never printed unless \`secret create --dry-run --show-secrets\` asks.
Global options (${Object.keys(GLOBAL_OPTIONS)
    .map((o) => `\`--${o}\``)
    .join(', ')}) may also come before the command.

${sections.join('\n')}`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href)
  process.stdout.write(renderCliReference(COMMANDS));
