/**
 * The informer and the event recorder on the real API server: list then watch, a 410 Gone after
 * etcd compacted past the informer's resourceVersion (ConfigMap watches bypass the watch cache in
 * testenv, so etcd answers them), reconnection through a broken connection and through an API
 * server restart, resync, errors that never stop it; Events and their series.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidationError } from '@eksa-credprov/core';
import { KubeConfig } from '@kubernetes/client-node';
import {
  killApiServer,
  kubeConfigFor,
  kubeRequest,
  testEnv,
  uniqueName,
  until,
} from '@eksa-credprov/testenv';
import { createEventRecorder } from './events.ts';
import { objectKey, startInformer, type Informer, type InformerInit } from './informer.ts';

interface ConfigMap {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string; uid?: string };
  data?: Record<string, string>;
}

const namespace = uniqueName('informer');

async function ok(req: Parameters<typeof kubeRequest>[0]): Promise<unknown> {
  const res = await kubeRequest(req);
  if (res.status >= 300) throw new Error(`${req.method} ${req.path}: ${res.status} ${res.text}`);
  return res.json;
}

const cm = (name: string, value = '1'): Promise<unknown> =>
  ok({
    method: 'POST',
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: value } },
  });

/** Records what the handlers saw. */
function recording(): {
  log: string[];
  handlers: {
    onAdd: (o: ConfigMap) => void;
    onUpdate: (a: ConfigMap, b: ConfigMap) => void;
    onDelete: (o: ConfigMap) => void;
    onError: (e: unknown) => void;
  };
  errors: unknown[];
} {
  const log: string[] = [];
  const errors: unknown[] = [];
  return {
    log,
    errors,
    handlers: {
      onAdd: (o) => log.push(`add ${o.metadata.name}`),
      onUpdate: (a, b) =>
        log.push(`${a === b ? 'resync' : 'update'} ${b.metadata.name}=${b.data?.['v'] ?? ''}`),
      onDelete: (o) => log.push(`delete ${o.metadata.name}`),
      onError: (e) => errors.push(e),
    },
  };
}

const informers: Informer<ConfigMap>[] = [];

/** An informer on this file's ConfigMaps (admin unless told; stopped after the file), recording. */
function watchConfigMaps(
  extra: Partial<InformerInit<ConfigMap>> = {},
): ReturnType<typeof recording> & { informer: Informer<ConfigMap> } {
  const seen = recording();
  const informer = startInformer<ConfigMap>({
    kubeConfig: kubeConfigFor('admin'),
    path: `/api/v1/namespaces/${namespace}/configmaps`,
    ...seen.handlers,
    ...extra,
  });
  informers.push(informer);
  return { ...seen, informer };
}

/** A TCP forwarder to the API server that can cut every connection and refuse new ones. */
async function cuttableForwarder(): Promise<{
  kubeConfig: KubeConfig;
  cut: () => void;
  restore: () => void;
  close: () => Promise<void>;
}> {
  const port = testEnv().apiserver.port;
  let cutting = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (cutting) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const kubeConfig = kubeConfigFor('admin');
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) throw new Error('no cluster');
  const copy = new KubeConfig();
  copy.loadFromOptions({
    clusters: [{ ...cluster, server: `https://127.0.0.1:${address.port}` }],
    users: kubeConfig.users,
    contexts: kubeConfig.contexts,
    currentContext: kubeConfig.currentContext,
  });
  return {
    kubeConfig: copy,
    cut: () => {
      cutting = true;
      for (const s of sockets) s.destroy();
    },
    restore: () => {
      cutting = false;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          r();
        });
      }),
  };
}

/** Compacts etcd at its current revision (the newest resourceVersion), as its retention does. */
async function compactEtcd(): Promise<void> {
  const args = testEnv().apiserver.command;
  const etcd = args[args.indexOf('--etcd') + 1];
  if (etcd === undefined) throw new Error('no --etcd in the API server command');
  const list = (await ok({ method: 'GET', path: '/api/v1/namespaces?limit=1' })) as {
    metadata: { resourceVersion: string };
  };
  const res = await fetch(`${etcd}/v3/kv/compaction`, {
    method: 'POST',
    body: JSON.stringify({ revision: list.metadata.resourceVersion, physical: true }),
  });
  if (!res.ok) throw new Error(`etcd compaction: ${res.status} ${await res.text()}`);
}

afterAll(async () => {
  await Promise.all(informers.map((i) => i.stop()));
  await kubeRequest({ method: 'DELETE', path: `/api/v1/namespaces/${namespace}` });
});
beforeAll(async () => {
  await ok({
    method: 'POST',
    path: '/api/v1/namespaces',
    body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  });
});

describe('startInformer on the real API server', () => {
  it('lists, then reports each add, update and delete from the watch', async () => {
    const prefix = uniqueName('w');
    await cm(`${prefix}-a`);
    await cm(`${prefix}-b`);
    const { informer, log, errors } = watchConfigMaps({ pageSize: 1 });
    await informer.synced;
    expect(informer.hasSynced).toBe(true);
    expect(
      informer
        .keys()
        .filter((k) => k.includes(prefix))
        .sort(),
    ).toEqual([`${namespace}/${prefix}-a`, `${namespace}/${prefix}-b`]);
    await cm(`${prefix}-c`);
    await ok({
      method: 'PATCH',
      path: `/api/v1/namespaces/${namespace}/configmaps/${prefix}-a`,
      body: { data: { v: '2' } },
      contentType: 'application/merge-patch+json',
    });
    await ok({ method: 'DELETE', path: `/api/v1/namespaces/${namespace}/configmaps/${prefix}-b` });
    await until(() => log.includes(`delete ${prefix}-b`), `delete ${prefix}-b`, 30_000);
    expect(log.filter((l) => l.includes(prefix))).toEqual([
      `add ${prefix}-a`,
      `add ${prefix}-b`,
      `add ${prefix}-c`,
      `update ${prefix}-a=2`,
      `delete ${prefix}-b`,
    ]);
    expect(informer.get(`${namespace}/${prefix}-a`)?.data).toEqual({ v: '2' });
    expect(informer.get(`${namespace}/${prefix}-b`)).toBeUndefined();
    expect(informer.lists).toBe(1);
    expect(errors).toEqual([]);
    await informer.stop();
  });

  it('lists again after a 410 Gone and reports what changed while it was cut off', async () => {
    const prefix = uniqueName('g');
    await cm(`${prefix}-keep`);
    await cm(`${prefix}-gone`);
    const forwarder = await cuttableForwarder();
    const { informer, log, errors } = watchConfigMaps({ kubeConfig: forwarder.kubeConfig });
    try {
      await informer.synced;
      forwarder.cut();
      await until(() => errors.length > 0, 'an error from the cut connection', 30_000);
      await cm(`${prefix}-new`);
      await ok({
        method: 'PATCH',
        path: `/api/v1/namespaces/${namespace}/configmaps/${prefix}-keep`,
        body: { data: { v: '3' } },
        contentType: 'application/merge-patch+json',
      });
      await ok({
        method: 'DELETE',
        path: `/api/v1/namespaces/${namespace}/configmaps/${prefix}-gone`,
      });
      await compactEtcd();
      forwarder.restore();
      await until(() => log.includes(`delete ${prefix}-gone`), `delete ${prefix}-gone`, 60_000);
      await until(() => log.includes(`add ${prefix}-new`), `add ${prefix}-new`, 30_000);
      expect(informer.lists).toBe(2);
      expect(log.filter((l) => l.includes(prefix)).sort()).toEqual(
        [
          `add ${prefix}-keep`,
          `add ${prefix}-gone`,
          `update ${prefix}-keep=3`,
          `add ${prefix}-new`,
          `delete ${prefix}-gone`,
        ].sort(),
      );
      expect(informer.get(`${namespace}/${prefix}-keep`)?.data).toEqual({ v: '3' });
    } finally {
      await informer.stop();
      await forwarder.close();
    }
  });

  it('keeps watching through an API server restart, from where it was (no second list)', async () => {
    const prefix = uniqueName('r');
    const { informer, log } = watchConfigMaps();
    await informer.synced;
    await cm(`${prefix}-before`);
    await until(() => log.includes(`add ${prefix}-before`), `add ${prefix}-before`, 30_000);
    const server = killApiServer();
    await new Promise((r) => setTimeout(r, 500));
    server.restart();
    // Written once the server answers again; the informer must see it by itself.
    const end = Date.now() + 120_000;
    for (;;) {
      try {
        await cm(`${prefix}-after`);
        break;
      } catch (e) {
        if (Date.now() > end) throw e;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    await until(() => log.includes(`add ${prefix}-after`), `add ${prefix}-after`, 90_000);
    expect(informer.lists).toBe(1);
    await informer.stop();
  }, 240_000);

  it('keeps a quiet watch open past the idle-connection timeout (5 s) of the transport', async () => {
    const prefix = uniqueName('q');
    const { informer, log, errors } = watchConfigMaps();
    await informer.synced;
    await new Promise((r) => setTimeout(r, 7000));
    await cm(`${prefix}-late`);
    await until(() => log.includes(`add ${prefix}-late`), `add ${prefix}-late`, 30_000);
    expect(errors).toEqual([]);
    expect(informer.lists).toBe(1);
    await informer.stop();
  });

  it('re-delivers every object on resync as an update with the same object', async () => {
    const prefix = uniqueName('s');
    await cm(`${prefix}-a`);
    const { informer, log } = watchConfigMaps({
      fieldSelector: `metadata.name=${prefix}-a`,
      resyncMs: 100,
    });
    await until(
      () => log.filter((l) => l === `resync ${prefix}-a=1`).length >= 2,
      'two resyncs',
      30_000,
    );
    expect(informer.list().map(objectKey)).toEqual([`${namespace}/${prefix}-a`]);
    await informer.stop();
  });

  it('reports a refused list to onError and keeps trying; stop() ends it unsynced', async () => {
    const { errors, handlers } = recording();
    const informer = startInformer<ConfigMap>({
      kubeConfig: kubeConfigFor('restricted'),
      path: '/api/v1/namespaces/kube-system/configmaps',
      ...handlers,
    });
    await until(() => errors.length >= 2, 'two refusals', 20_000);
    expect(String(errors[0])).toMatch(/forbidden/i);
    expect(informer.hasSynced).toBe(false);
    await informer.stop();
    await expect(informer.synced).rejects.toThrow(/stopped before it synced/);
  });

  it.each(['', 'configmaps', '/api/v1/configmaps?watch=1', 'https://x/api/v1/configmaps'])(
    'refuses the path %j',
    (path) => {
      try {
        startInformer({ path });
        expect.unreachable();
      } catch (e) {
        expect(isValidationError(e)).toBe(true);
        expect(String(e)).toMatch(/path/);
      }
    },
  );
});

describe('createEventRecorder on the real API server', () => {
  interface Event {
    metadata: { name: string };
    reason: string;
    note: string;
    type: string;
    action: string;
    reportingController: string;
    reportingInstance: string;
    regarding: { kind: string; name: string; uid?: string };
    series?: { count: number };
  }

  it('writes an events.k8s.io Event, and a repeat as the series of the first', async () => {
    const name = uniqueName('ev');
    const created = (await cm(name)) as ConfigMap;
    const errors: unknown[] = [];
    const recorder = createEventRecorder({
      kubeConfig: kubeConfigFor('admin'),
      reportingController: 'eksa-credprov.io/test',
      reportingInstance: 'test-1',
      onError: (e) => errors.push(e),
    });
    const subject = { ...created, apiVersion: 'v1', kind: 'ConfigMap' };
    const event = {
      type: 'Warning',
      reason: 'Failed',
      action: 'Reconcile',
      note: 'no Secret',
    } as const;
    await recorder.record(subject, event);
    await recorder.record(subject, event);
    await recorder.record(subject, { ...event, type: 'Normal', reason: 'Configured', note: 'ok' });
    await recorder.record(subject, { ...event, note: 'x'.repeat(5000) });
    expect(errors).toEqual([]);
    const list = (await ok({
      method: 'GET',
      path: `/apis/events.k8s.io/v1/namespaces/${namespace}/events?fieldSelector=regarding.name=${name}`,
    })) as { items: Event[] };
    const events = list.items.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
    expect(events.map((e) => [e.type, e.reason, e.note.length, e.series?.count ?? 1])).toEqual([
      ['Warning', 'Failed', 9, 2],
      ['Normal', 'Configured', 2, 1],
      ['Warning', 'Failed', 1024, 1],
    ]);
    expect(events[0]).toMatchObject({
      action: 'Reconcile',
      reportingController: 'eksa-credprov.io/test',
      reportingInstance: 'test-1',
      regarding: { kind: 'ConfigMap', name, uid: created.metadata.uid },
    });
  });

  it('never throws: a refused write goes to onError', async () => {
    const errors: unknown[] = [];
    const recorder = createEventRecorder({
      kubeConfig: kubeConfigFor('restricted'),
      reportingController: 'eksa-credprov.io/test',
      reportingInstance: 'test-1',
      onError: (e) => errors.push(e),
    });
    await recorder.record(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system' } },
      { type: 'Normal', reason: 'R', action: 'A', note: 'n' },
    );
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/forbidden/i);
  });
});
