import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BoundedFileError, pendingFileReads, readBoundedFile } from './bounded-file.ts';

const dir = mkdtempSync(join(tmpdir(), 'bounded-file-'));
const fifo = join(dir, 'fifo');
execFileSync('mkfifo', [fifo]);
const small = join(dir, 'small');
writeFileSync(small, 'hello');
symlinkSync(small, join(dir, 'link'));
writeFileSync(join(dir, 'big'), 'x'.repeat(101));

describe('readBoundedFile', () => {
  it('reads a regular file, and a symlink to one', async () => {
    expect(await readBoundedFile(small, 100)).toBe('hello');
    expect(await readBoundedFile(join(dir, 'link'), 100)).toBe('hello');
    expect(pendingFileReads()).toBe(0);
  });

  it.each([
    ['a missing file', join(dir, 'nope'), 'missing', /^no such file$/],
    ['a path through a file', join(small, 'x'), 'missing', /^no such file$/],
    ['a directory', dir, 'unreadable', /^it is a directory$/],
    ['a FIFO (never blocks)', fifo, 'unreadable', /^it is not a regular file/],
    ['a device that never ends', '/dev/urandom', 'unreadable', /^it is not a regular file/],
    [
      'a file over the cap',
      join(dir, 'big'),
      'unreadable',
      /^it is 101 bytes, over the 100-byte limit/,
    ],
  ] as const)('refuses %s', async (_, path, reason, message) => {
    const read = readBoundedFile(path, 100);
    await expect(read).rejects.toBeInstanceOf(BoundedFileError);
    await read.catch((e: unknown) => {
      expect((e as BoundedFileError).reason).toBe(reason);
      expect((e as Error).message).toMatch(message);
    });
    expect(pendingFileReads()).toBe(0);
  });
});
