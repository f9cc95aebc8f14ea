import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands/index.ts';
import { renderCliReference } from './reference.ts';

describe('docs/cli.md', () => {
  it('is the reference rendered from the command table (regenerate with src/reference.ts)', () => {
    const docs = readFileSync(resolve(import.meta.dirname, '../../../docs/cli.md'), 'utf8');
    expect(docs).toBe(renderCliReference(COMMANDS));
  });
});
