/**
 * Leader election on a real Lease of the test API server: one leader among candidates, a hand-over
 * when the leader releases, none before an unreleased lease expires, and a leader that cannot
 * renew stops leading. Durations are short (lease 3 s); waits are bounded, not timed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isValidationError } from '@eksa-credprov/core';
import { kubeConfigFor, kubeRequest, uniqueName, until } from '@eksa-credprov/testenv';
import { startLeaderElection, type LeaderElector } from './leader-election.ts';

const NAMESPACE = 'default';
const FAST = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 250 };
const running: LeaderElector[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

function candidate(
  name: string,
  identity: string,
  extra: { releaseOnStop?: boolean } = {},
): LeaderElector & { events: string[] } {
  const events: string[] = [];
  const elector = startLeaderElection({
    kubeConfig: kubeConfigFor('admin'),
    namespace: NAMESPACE,
    name,
    identity,
    ...FAST,
    ...extra,
    onStartedLeading: (signal) => {
      events.push('started');
      signal.addEventListener('abort', () => events.push('aborted'));
    },
    onStoppedLeading: () => events.push('stopped'),
  });
  running.push(elector);
  return Object.assign(elector, { events });
}

async function lease(
  name: string,
): Promise<{ holderIdentity?: string; leaseTransitions?: number }> {
  const res = await kubeRequest({
    method: 'GET',
    path: `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/${name}`,
  });
  return (res.json as { spec: { holderIdentity?: string; leaseTransitions?: number } }).spec;
}

describe('startLeaderElection on a real Lease', () => {
  it('elects exactly one of three, and hands over at once when the leader releases', async () => {
    const name = uniqueName('lease');
    const all = ['a', 'b', 'c'].map((id) => candidate(name, id));
    await until(() => all.some((e) => e.isLeader), 'a leader', 15_000);
    // Give the others several rounds: still one leader.
    await new Promise((r) => setTimeout(r, 1000));
    const leaders = all.filter((e) => e.isLeader);
    expect(leaders).toHaveLength(1);
    const first = leaders[0];
    expect((await lease(name)).holderIdentity).toBe(first?.leader);
    for (const e of all) expect(e.leader).toBe(first?.leader);

    await first?.stop();
    expect(first?.events).toEqual(['started', 'aborted', 'stopped']);
    const rest = all.filter((e) => e !== first);
    await until(() => rest.some((e) => e.isLeader), 'a new leader', 15_000);
    expect(rest.filter((e) => e.isLeader)).toHaveLength(1);
    expect((await lease(name)).leaseTransitions).toBe(1);
  });

  it('does not take over an unreleased lease before it expires (a crashed leader)', async () => {
    const name = uniqueName('lease');
    const a = candidate(name, 'a', { releaseOnStop: false });
    await until(() => a.isLeader, 'a leading', 15_000);
    await a.stop();
    const b = candidate(name, 'b');
    // B first observes A's record now; it may take it only a lease duration later.
    await new Promise((r) => setTimeout(r, 1000));
    expect(b.isLeader).toBe(false);
    expect(b.leader).toBe('a');
    await until(() => b.isLeader, 'b leading', 15_000);
    expect((await lease(name)).holderIdentity).toBe('b');
  });

  it('stops leading when it cannot renew: another holder wrote the lease', async () => {
    const name = uniqueName('lease');
    const a = candidate(name, 'a');
    await until(() => a.isLeader, 'a leading', 15_000);
    // An intruder takes the lease for a long time (as a split-brain write would).
    const current = await kubeRequest({
      method: 'GET',
      path: `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/${name}`,
    });
    const body = current.json as { spec: Record<string, unknown> };
    const now = new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
    const put = await kubeRequest({
      method: 'PUT',
      path: `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/${name}`,
      body: {
        ...body,
        spec: {
          ...body.spec,
          holderIdentity: 'intruder',
          leaseDurationSeconds: 3600,
          renewTime: now,
        },
      },
    });
    expect(put.status).toBe(200);
    await a.done;
    expect(a.isLeader).toBe(false);
    expect(a.events).toEqual(['started', 'aborted', 'stopped']);
    expect(a.leader).toBe('intruder');
  });

  it('reports why it cannot take the Lease (no such namespace; no rights), and keeps trying', async () => {
    const cases = [
      {
        kubeConfig: kubeConfigFor('admin'),
        namespace: uniqueName('absent'),
        message: /namespaces ".*" not found/,
      },
      { kubeConfig: kubeConfigFor('restricted'), namespace: 'kube-system', message: /forbidden/ },
    ];
    for (const c of cases) {
      const errors: unknown[] = [];
      const elector = startLeaderElection({
        kubeConfig: c.kubeConfig,
        namespace: c.namespace,
        name: uniqueName('lease'),
        identity: 'a',
        ...FAST,
        onError: (e) => errors.push(e),
      });
      running.push(elector);
      await until(() => errors.length >= 2, 'two errors reported', 15_000);
      expect(String(errors[0])).toMatch(c.message);
      expect(elector.isLeader).toBe(false);
      await elector.stop();
    }
  });

  it('refuses durations client-go refuses, naming each', () => {
    let error: unknown;
    try {
      startLeaderElection({
        namespace: 'x',
        name: '',
        identity: 'a',
        leaseDurationMs: 1000,
        renewDeadlineMs: 2000,
        retryPeriodMs: 2000,
      });
    } catch (e) {
      error = e;
    }
    expect(isValidationError(error) && error.issues.map((i) => i.path)).toEqual([
      'name',
      'leaseDurationMs',
      'renewDeadlineMs',
    ]);
  });
});
