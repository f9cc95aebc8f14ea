/**
 * `@eksa-credprov/aws/provider`: the node-side kubelet image credential provider,
 * `eksa-ecr-credential-provider`, as a library. It reads one `CredentialProviderRequest` on stdin
 * and answers one `CredentialProviderResponse` on stdout, in the request's apiVersion, with ECR
 * credentials for the image's registry. Credentials come from `AWS_CONFIG_FILE`/`AWS_PROFILE` as
 * the credential-provider-package sets them; a profile whose `credential_process` is
 * `aws_signing_helper credential-process …` is served natively (no helper binary, no shell).
 *
 * Every export is named here (no `export *`), so this file is the whole surface of the subpath;
 * src/index.test.ts snapshots it.
 *
 * - {@link runProvider}: one run, as the bin does it, returning what it would print.
 * - {@link parseProviderArgs}: the arguments the kubelet passes (`get-credentials`,
 *   `--profile-for=PATTERN=PROFILE`, `--timeout=DURATION`).
 * - {@link imageHost}: the registry host the answer is keyed on, as the Go provider takes it.
 *
 * @packageDocumentation
 */
export {
  imageHost,
  parseProviderArgs,
  type ProfileRule,
  type ProviderArgs,
} from './provider-args.ts';
export { runProvider, type ProviderResult, type ProviderRunInit } from './provider-run.ts';
