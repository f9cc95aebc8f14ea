// The life of one eksa-ecr-credential-provider exec, for the bin (provider.ts). No top-level
// await: it is bundled as CommonJS (the one-file bundle, which the Bun executables compile).
import providerPackage from '../../package.json' with { type: 'json' };
import { writeSync } from 'node:fs';
import { MAX_REQUEST_BYTES, pendingFileReads } from '../bounded-file.ts';
import { parseProviderArgs, runProvider } from '../provider.ts';
import { readStdin, writeAndExit } from './stdio.ts';

/** The whole run's deadline unless --timeout says otherwise: well under the kubelet's 60 s. */
const DEFAULT_DEADLINE_MS = 45_000;

const HELP = `eksa-ecr-credential-provider: a kubelet image credential provider for Amazon ECR.

The kubelet runs it with a CredentialProviderRequest on stdin; it answers with a
CredentialProviderResponse on stdout (same apiVersion: v1, v1beta1 or v1alpha1).

Usage: eksa-ecr-credential-provider [get-credentials] [--profile-for=PATTERN=PROFILE]... [--timeout=DURATION]

  --profile-for=PATTERN=PROFILE  images matching the matchImages PATTERN use AWS profile PROFILE
                                 (first matching rule wins; otherwise AWS_PROFILE)
  --timeout=DURATION             overall deadline, under the kubelet's 60s (default 45s)
  --version                      print the version and exit

Credentials: AWS_CONFIG_FILE and AWS_PROFILE, as the credential-provider-package sets them.
A profile whose credential_process is "aws_signing_helper credential-process ..." is served
natively with IAM Roles Anywhere (no helper binary, no shell).
`;

/**
 * Ends the process at the deadline, whatever it is doing: one line on stderr, nothing on stdout,
 * exit 1. A read that cannot finish (a file on a hung network mount) holds a libuv worker, and
 * Node's exit waits for its workers; then only SIGKILL ends the process (the kubelet sees a
 * failure either way, and the line is already written).
 */
function armDeadline(ms: number): void {
  setTimeout(() => {
    writeSync(
      2,
      `eksa-ecr-credential-provider: no answer within ${ms} ms (the deadline covers reading the request, every file and every request to AWS); check the files the provider reads and the network path to ECR and IAM Roles Anywhere\n`,
    );
    if (pendingFileReads() > 0) process.kill(process.pid, 'SIGKILL');
    process.exit(1);
    // Kept referenced: were a bug to leave a promise unsettled with nothing else pending, the
    // process would otherwise exit 0 with nothing on stdout, which the kubelet cannot read.
  }, ms);
}

/** Reads the request, answers, and exits: the whole life of one exec, under one deadline. */
export async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--version')) {
    writeAndExit(`eksa-ecr-credential-provider ${providerPackage.version}\n`, '', 0);
    return;
  }
  if (args.includes('--help') || args.includes('-h')) {
    writeAndExit(HELP, '', 0);
    return;
  }
  let deadline = DEFAULT_DEADLINE_MS;
  try {
    deadline = parseProviderArgs(args).timeoutMs ?? deadline;
  } catch {
    // runProvider reports the bad argument; the default deadline still holds meanwhile.
  }
  const started = performance.now();
  armDeadline(deadline);
  const stdin = await readStdin(MAX_REQUEST_BYTES);
  const result =
    stdin === undefined
      ? {
          stdout: '',
          stderr: `eksa-ecr-credential-provider: the request on stdin is over ${MAX_REQUEST_BYTES} bytes; a kubelet request is a few KB\n`,
          exitCode: 1,
        }
      : await runProvider({
          stdin,
          args,
          // What is left of the deadline once the request is in, less a moment so that its own
          // message ("no ECR token within …") comes before the hard stop.
          timeoutMs: Math.max(1, Math.floor(deadline - (performance.now() - started) - 100)),
        });
  // Exit once both are written: a request the deadline gave up on must not keep the process alive.
  writeAndExit(result.stdout, result.stderr, result.exitCode);
}
