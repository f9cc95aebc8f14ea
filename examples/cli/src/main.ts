#!/usr/bin/env node
// eksa-credprov: the example CLI (see cli.ts for the frame, commands/ for what each one does).
import { runCli } from './cli.ts';
import { COMMANDS } from './commands/index.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const code = await runCli(COMMANDS, process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readStdin,
  interactive: process.stderr.isTTY,
});
// Exit once the output is flushed: watches and keep-alive sockets must not hold the process.
process.stdout.write('', () => process.exit(code));
