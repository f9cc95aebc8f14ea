import { describe, expect, it } from 'vitest';
import { issuesOf } from './test-support.ts';
import { parseYaml, toYaml } from './yaml.ts';

describe('toYaml', () => {
  it('puts apiVersion, kind, metadata first, drops undefined, separates documents', () => {
    const text = toYaml([
      {
        data: { a: 'b' },
        metadata: { name: 'x' },
        kind: 'Secret',
        apiVersion: 'v1',
        gone: undefined,
      },
      { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'n' } },
    ]);
    expect(text).toBe(
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  a: b\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n',
    );
    expect(parseYaml(text)).toHaveLength(2);
  });

  it('never folds long lines and writes multi-line strings as blocks', () => {
    const long = `credential_process = ${'x'.repeat(300)}`;
    const text = toYaml({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { long, multi: 'a: 1\nb: 2\n' },
    });
    expect(text).toContain(long);
    expect(text).toContain('multi: |\n    a: 1\n    b: 2\n');
  });
});

describe('parseYaml', () => {
  it('skips empty documents', () => {
    expect(parseYaml('---\na: 1\n---\n---\nb: 2\n')).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('reports line and column, and explains the unquoted "*" of the EKS Anywhere docs', () => {
    const issues = issuesOf(() => parseYaml('matchImages:\n  - *.dkr.ecr.*.amazonaws.com\n'));
    expect(issues[0]?.code).toBe('syntax');
    expect(issues[0]?.message).toMatch(/^line 2, column \d+: .*quote match patterns/);
  });

  it('rejects duplicate keys, as the API server does', () => {
    expect(issuesOf(() => parseYaml('a: 1\na: 2\n'))[0]?.message).toMatch(/unique|duplicate/i);
  });

  it('names the document when there are several', () => {
    expect(issuesOf(() => parseYaml('a: 1\n---\nb: [\n'))[0]?.path).toBe('document 2');
  });
});
