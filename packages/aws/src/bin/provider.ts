#!/usr/bin/env node
// eksa-ecr-credential-provider: a kubelet image credential provider (see ../provider.ts).
import { runProvider } from '../provider.ts';

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const result = await runProvider({ stdin: Buffer.concat(chunks).toString('utf8') });
process.stdout.write(result.stdout);
process.stderr.write(result.stderr);
process.exitCode = result.exitCode;
