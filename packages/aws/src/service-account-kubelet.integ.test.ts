/**
 * Per-workload ECR credentials as a kubelet gets them: the kubelet's own plugin code
 * (testenv/kubelet-plugin, k8s.io/kubernetes v1.37.2) with a real token source, TokenRequest as
 * the node system:node:testnode, so the API server's Node authorizer and NodeRestriction (with
 * its audience check) decide, and with the service accounts read from the API server. The kubelet
 * code decides when to send a token, which annotations to pass and how to cache per service
 * account; the STS emulator verifies each token; every delivered form of our provider serves.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { createTokenAudienceRbac, ecrTokenAttributes } from '@eksa-credprov/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PROVIDER_FORMS,
  runKubeletPlugin,
  awsTestEnv,
  forwardTo,
  kubeRequest,
  server,
  serviceAccountWithPod,
  stsCalls,
  testEnv,
  testIssuer,
  testIssuerCa,
  uniqueName,
  type LocalServer,
} from '@eksa-credprov/testenv';
import { ensureServiceAccountRole } from './service-account-role.ts';

const IMAGE = '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app';
const NODE_KEY = 'AKIAIOSFODNN7EXAMPLE';
type Form = keyof typeof PROVIDER_FORMS;

let ecr: LocalServer;
const ecrKeys: string[] = [];
const ns = { a: '', b: '', c: '' };
const roles = { a: '', b: '' };

beforeAll(async () => {
  const credentials = { accessKeyId: NODE_KEY, secretAccessKey: 'x'.repeat(40) };
  const iam = new IAMClient({ region: 'us-east-1', endpoint: awsTestEnv().moto, credentials });
  ns.a = uniqueName('kubelet-a');
  ns.b = uniqueName('kubelet-b');
  ns.c = uniqueName('kubelet-c');
  for (const [key, namespace] of [
    ['a', ns.a],
    ['b', ns.b],
  ] as const) {
    roles[key] = (
      await ensureServiceAccountRole({
        clusterName: 'kubelet-test',
        issuerUrl: testIssuer(),
        issuerCa: testIssuerCa(),
        region: 'us-west-2',
        roleName: `kubelet-test-${key}`,
        serviceAccounts: [{ namespace, name: 'app' }],
        clients: { iam, credentials },
      })
    ).roleArn;
  }
  iam.destroy();
  // The nodes may request tokens for the audience (what ensureServiceAccountEcrAccess applies).
  for (const object of createTokenAudienceRbac({ audience: 'sts.amazonaws.com' })) {
    const plural = object.kind === 'ClusterRole' ? 'clusterroles' : 'clusterrolebindings';
    const res = await kubeRequest({
      method: 'POST',
      path: `/apis/rbac.authorization.k8s.io/v1/${plural}`,
      body: object,
    });
    if (res.status !== 201 && res.status !== 409) throw new Error(res.text);
  }
  await serviceAccountWithPod(ns.a, 'app', { 'eks.amazonaws.com/ecr-role-arn': roles.a });
  await serviceAccountWithPod(ns.b, 'app', { 'eks.amazonaws.com/ecr-role-arn': roles.b });
  await serviceAccountWithPod(ns.c, 'app');
  ecr = await server((req, res, body) => {
    ecrKeys.push(/Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '');
    forwardTo(awsTestEnv().moto)(req, res, body);
  });
});

afterAll(async () => {
  await ecr.close();
});

function kubelet(form: Form, pods: string[]): ReturnType<typeof runKubeletPlugin> {
  return runKubeletPlugin({
    form,
    images: [IMAGE],
    provider: { tokenAttributes: ecrTokenAttributes() },
    env: [
      { name: 'AWS_ENDPOINT_URL_ECR', value: ecr.url },
      { name: 'AWS_ENDPOINT_URL_STS', value: awsTestEnv().sts },
    ],
    harnessArgs: [
      '--kubeconfig',
      testEnv().kubeconfig,
      '--context',
      'node',
      ...pods.flatMap((p) => ['--pod', p]),
    ],
  });
}

describe.each(Object.keys(PROVIDER_FORMS) as Form[])(
  'the kubelet’s plugin code with service-account tokens (%s)',
  (form) => {
    it('gives two annotated service accounts their two roles, a third the node’s credentials, and caches per service account', async () => {
      const [callsBefore, keysBefore] = [(await stsCalls()).length, ecrKeys.length];
      const pods = [`${ns.a}/app-pod`, `${ns.b}/app-pod`, `${ns.c}/app-pod`, `${ns.a}/app-pod`];
      const { lookups, execs } = await kubelet(form, pods);
      expect(lookups.map((l) => [l.pod, l.found])).toEqual(pods.map((p) => [p, true]));
      // Three service accounts, three execs: the fourth lookup is the first one's service
      // account, served from the kubelet's cache (cacheType ServiceAccount).
      expect(execs).toBe(3);
      expect(lookups[3]?.credentials).toEqual(lookups[0]?.credentials);
      const calls = (await stsCalls()).slice(callsBefore);
      expect(calls.map((c) => [c.roleArn, c.subject, c.audience, c.error])).toEqual([
        [roles.a, `system:serviceaccount:${ns.a}:app`, 'sts.amazonaws.com', undefined],
        [roles.b, `system:serviceaccount:${ns.b}:app`, 'sts.amazonaws.com', undefined],
      ]);
      // ECR saw each role's own keys, then the node's for the service account without a role.
      expect(ecrKeys.slice(keysBefore)).toEqual([
        calls[0]?.accessKeyId,
        calls[1]?.accessKeyId,
        NODE_KEY,
      ]);
    });
  },
);
