/**
 * Reading the files a node-side provider is pointed at (AWS config and credentials, certificate,
 * key, chain, CA bundle) so that no input can hang it or exhaust memory: only regular files
 * (symlinks to them are fine), opened without blocking, read up to a size cap.
 *
 * A FIFO opened normally blocks a libuv worker until a writer comes, and Node's exit then waits
 * for that worker forever; `/dev/urandom` never ends. Opening with O_NONBLOCK returns at once for
 * both, and fstat on the open descriptor (not stat on the name) decides, so a file swapped between
 * the check and the read is still refused.
 *
 * @internal
 */
import { close, constants, fstat, open, read, type Stats } from 'node:fs';

/**
 * A node:fs callback call as a promise. node:fs, not node:fs/promises: in a Bun executable
 * loading node:fs/promises costs about 2.5 ms of a provider run that is otherwise 25 ms; node:fs
 * is loaded already.
 */
function call<T>(
  f: (done: (e: NodeJS.ErrnoException | null, value: T) => void) => void,
): Promise<T> {
  return new Promise((resolve, reject) => {
    f((e, value) => {
      if (e === null) resolve(value);
      else reject(e);
    });
  });
}

/** The largest configuration, certificate or key file read (the biggest real one is a few KB). */
export const MAX_CONFIG_FILE_BYTES = 1024 * 1024;
/** The largest CA bundle read (a whole distribution's bundle is about 220 KB). */
export const MAX_CA_BUNDLE_BYTES = 4 * 1024 * 1024;

/** Why a file could not be read: `missing`, or a sentence naming what is wrong with it. */
export class BoundedFileError extends Error {
  readonly reason: 'missing' | 'unreadable';

  constructor(reason: 'missing' | 'unreadable', message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BoundedFileError';
    this.reason = reason;
  }
}

/**
 * What to say after "cannot read FILE: ": the errno for a missing file (as the messages had it
 * before this module), the reason otherwise.
 */
export function describeReadFailure(e: unknown): string {
  if (e instanceof BoundedFileError && e.reason === 'missing') return 'ENOENT';
  return e instanceof Error ? e.message : String(e);
}

/**
 * The largest request a provider reads on stdin: a kubelet request, service-account token
 * included, is a few KB.
 */
export const MAX_REQUEST_BYTES = 1024 * 1024;

let pending = 0;

/** How many reads are under way (the provider's deadline exits hard while any is). */
export function pendingFileReads(): number {
  return pending;
}

/**
 * The text of `file`, at most `maxBytes` long.
 *
 * @throws BoundedFileError `missing` when there is no such file, `unreadable` (its message naming
 * the problem: a directory, not a regular file, too large, an errno code) otherwise.
 */
export async function readBoundedFile(file: string, maxBytes: number): Promise<string> {
  pending++;
  try {
    let fd: number;
    try {
      fd = await call<number>((done) => {
        open(file, constants.O_RDONLY | constants.O_NONBLOCK, done);
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        throw new BoundedFileError('missing', 'no such file', { cause: e });
      throw new BoundedFileError('unreadable', code ?? String(e), { cause: e });
    }
    try {
      const info = await call<Stats>((done) => {
        fstat(fd, done);
      });
      if (info.isDirectory()) throw new BoundedFileError('unreadable', 'it is a directory');
      if (!info.isFile())
        throw new BoundedFileError(
          'unreadable',
          'it is not a regular file (a FIFO, socket or device is never read)',
        );
      if (info.size > maxBytes)
        throw new BoundedFileError(
          'unreadable',
          `it is ${info.size} bytes, over the ${maxBytes}-byte limit for such a file`,
        );
      const buffer = Buffer.alloc(maxBytes + 1);
      let length = 0;
      for (;;) {
        const bytesRead = await call<number>((done) => {
          read(fd, buffer, length, buffer.length - length, null, done);
        });
        if (bytesRead === 0) break;
        length += bytesRead;
        if (length > maxBytes)
          throw new BoundedFileError(
            'unreadable',
            `it grew past the ${maxBytes}-byte limit for such a file while being read`,
          );
      }
      return buffer.toString('utf8', 0, length);
    } catch (e) {
      if (e instanceof BoundedFileError) throw e;
      throw new BoundedFileError('unreadable', (e as NodeJS.ErrnoException).code ?? String(e), {
        cause: e,
      });
    } finally {
      await new Promise<void>((resolve, reject) => {
        close(fd, (e) => {
          if (e === null) resolve();
          else reject(e);
        });
      });
    }
  } finally {
    pending--;
  }
}
