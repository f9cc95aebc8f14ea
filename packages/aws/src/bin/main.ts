// The life of one eksa-ecr-credential-provider exec, shared by the bin (provider.ts) and the
// single executable's start-up snapshot (provider-snapshot.ts). No top-level await: it is bundled
// as CommonJS for the single executable.
import { runProvider } from '../provider.ts';

const HELP = `eksa-ecr-credential-provider: a kubelet image credential provider for Amazon ECR.

The kubelet runs it with a CredentialProviderRequest on stdin; it answers with a
CredentialProviderResponse on stdout (same apiVersion: v1, v1beta1 or v1alpha1).

Usage: eksa-ecr-credential-provider [get-credentials] [--profile-for=PATTERN=PROFILE]... [--timeout=DURATION]

  --profile-for=PATTERN=PROFILE  images matching the matchImages PATTERN use AWS profile PROFILE
                                 (first matching rule wins; otherwise AWS_PROFILE)
  --timeout=DURATION             overall deadline, under the kubelet's 60s (default 45s)

Credentials: AWS_CONFIG_FILE and AWS_PROFILE, as the credential-provider-package sets them.
A profile whose credential_process is "aws_signing_helper credential-process ..." is served
natively with IAM Roles Anywhere (no helper binary, no shell).
`;

/** Reads the request, answers, and exits: the whole life of one exec. */
export async function main(args: readonly string[]): Promise<void> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const result = await runProvider({ stdin: Buffer.concat(chunks).toString('utf8'), args });
  // Exit once both are written: a request the deadline gave up on must not keep the process alive.
  process.stdout.write(result.stdout, () => {
    process.stderr.write(result.stderr, () => process.exit(result.exitCode));
  });
}
