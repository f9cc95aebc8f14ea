// The provider's stdin and stdout, by runtime. Under Bun, touching `process.stdin` or
// `process.stdout` builds Node-compatible streams, which costs about 15 ms each in a compiled
// executable (measured on the 2-core test machine: an empty Bun executable runs in 5 ms, one that
// only reads `process.stdout` in 21 ms), more than the rest of a static-keys run. Bun's own
// `Bun.stdin` and `Bun.write` cost about 1 ms. Under Node the streams are what Node offers.

/** The part of Bun's global this module uses (the package does not depend on bun-types). */
interface BunStdio {
  readonly stdin: { stream(): ReadableStream<Uint8Array> };
  readonly stdout: unknown;
  readonly stderr: unknown;
  write(destination: unknown, text: string): Promise<number>;
}

const bun = (globalThis as { Bun?: BunStdio }).Bun;

/** stdin, at most `maxBytes` of it: undefined when there is more. */
export async function readStdin(maxBytes: number): Promise<string | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const source: AsyncIterable<Uint8Array> = bun === undefined ? process.stdin : bun.stdin.stream();
  for await (const chunk of source) {
    size += chunk.length;
    // Leaving the loop ends the stream (Node destroys process.stdin, Bun cancels its reader).
    if (size > maxBytes) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes `stdout`, then `stderr`, and exits with `exitCode` once both are written. */
export function writeAndExit(stdout: string, stderr: string, exitCode: number): void {
  if (bun === undefined) {
    process.stdout.write(stdout, () => {
      process.stderr.write(stderr, () => process.exit(exitCode));
    });
    return;
  }
  void (async () => {
    if (stdout !== '') await bun.write(bun.stdout, stdout);
    if (stderr !== '') await bun.write(bun.stderr, stderr);
    process.exit(exitCode);
  })();
}
