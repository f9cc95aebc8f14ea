/**
 * The AWS shared-file table and the writer against the AWS SDK for Go v2's own loader
 * (config.LoadSharedConfigProfile, the code the Go ecr-credential-provider runs), and the image
 * host against the Go provider's parseHostFromImageReference, through testenv/goref.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AWS_CONFIG_CASES } from './aws-config.fixture.ts';
import { formatAwsConfigFile } from './aws-config-write.ts';
import { parseAwsSharedConfig } from './aws-config.ts';
import { imageRegistryHost } from './image-host.ts';
import { askGo, nonEmpty } from './test-support.ts';

/** The settings goref reports (the fields of the Go SDK's SharedConfig the provider uses). */
const GO_KEYS = new Set([
  'region',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'role_arn',
  'source_profile',
  'credential_source',
  'role_session_name',
  'external_id',
  'credential_process',
  'web_identity_token_file',
  'ca_bundle',
  'endpoint_url',
  'sso_session',
  'services',
]);

/** Ours, as goref reports the Go SDK's reading: its keys, plus the named services section. */
function asGoReports(
  files: { config?: string; credentials?: string },
  profile: string,
): Record<string, string> | undefined {
  const shared = parseAwsSharedConfig(files);
  if (!Object.hasOwn(shared.profiles, profile) || Object.hasOwn(shared.refused, profile))
    return undefined;
  const settings = shared.profiles[profile] ?? {};
  const out = Object.fromEntries(Object.entries(settings).filter(([k]) => GO_KEYS.has(k)));
  // The Go SDK reports credentials only as a whole access key (both parts not empty).
  if (!settings['aws_access_key_id'] || !settings['aws_secret_access_key']) {
    delete out['aws_access_key_id'];
    delete out['aws_secret_access_key'];
    delete out['aws_session_token'];
  }
  const services = settings['services'];
  if (services !== undefined)
    for (const [k, v] of Object.entries(shared.services[services] ?? {})) out[`services.${k}`] = v;
  return nonEmpty(out);
}

const ask = (files: { config?: string; credentials?: string }, profile: string) => ({
  op: 'awsconfig',
  config: files.config ?? null,
  credentials: files.credentials ?? null,
  profile,
});

describe('the AWS SDK for Go v2 reads the shared-file table as we do, or as each row says', () => {
  it('every row', async () => {
    const answers = await askGo(AWS_CONFIG_CASES.map((c) => ask(c, c.profile)));
    const rows = AWS_CONFIG_CASES.map((c, i) => {
      const go = answers[i];
      const goReads = go?.error === undefined ? (go?.settings ?? {}) : undefined;
      const expected = c.go === undefined ? asGoReports(c, c.profile) : c.go.reads;
      return { name: c.name, go: goReads, ours: expected, error: go?.error };
    });
    // A missing profile is an error in Go ("failed to get shared config profile"); every other
    // row must load.
    for (const row of rows) {
      if (row.ours === undefined) expect(row.error, row.name).toMatch(/profile/);
      else expect(row.go, `${row.name}: ${row.error ?? ''}`).toEqual(row.ours);
    }
    expect(rows.length).toBeGreaterThanOrEqual(40);
  });

  it('reads what formatAwsConfigFile writes, for every section-name form and value we write', async () => {
    const profiles = {
      default: {
        region: 'us-west-2',
        aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE',
        aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
      'team.prod': {
        aws_access_key_id: 'ASIAIOSFODNN7EXAMPLE',
        aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        aws_session_token: 'FwoGZXIvYXdzEJr//////////wEaDAbc+def/ghi==',
      },
      'dev@corp+ci': { role_arn: 'arn:aws:iam::123456789012:role/a', source_profile: 'default' },
      'a%b:c/d': {
        credential_process:
          'aws_signing_helper credential-process --certificate pkcs11:token=kubelet;object=client#x',
      },
      local: { services: 'svc', endpoint_url: 'https://ecr.internal:8443' },
    };
    const config = formatAwsConfigFile({
      profiles,
      services: { svc: { 'ecr.endpoint_url': 'http://127.0.0.1:5000' } },
    });
    const names = Object.keys(profiles);
    const answers = await askGo(names.map((p) => ask({ config }, p)));
    names.forEach((p, i) => {
      expect(answers[i]?.error, p).toBeUndefined();
      const go = answers[i]?.settings ?? {};
      // A source_profile chain holds no keys of its own in Go's reading.
      expect(go, p).toEqual(asGoReports({ config }, p));
    });
    const credentials = formatAwsConfigFile(
      { profiles: { 'team.prod': profiles['team.prod'] } },
      { kind: 'credentials' },
    );
    const [fromCredentials] = await askGo([ask({ credentials }, 'team.prod')]);
    expect(fromCredentials?.settings).toEqual(profiles['team.prod']);
  });
});

describe('imageRegistryHost is the Go provider’s parseHostFromImageReference', () => {
  const images = [
    '123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:v1',
    '123456789012.dkr.ecr.us-west-2.amazonaws.com:443/app',
    '123456789012.dkr.ecr.us-west-2.amazonaws.com/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
    '123456789012.DKR.ECR.US-WEST-2.amazonaws.com/app',
    '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app',
    '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app',
    '123456789012.dkr-ecr.us-west-2.on.aws/app',
    'public.ecr.aws/team/app',
    'registry.example.com:5000/app',
    '[::1]:5000/app',
    '[fe80::1%25eth0]/app',
    'user:pass@registry.example.com/app',
    'https://registry.example.com/app',
    'oci://registry.example.com/app',
    'localhost/app',
    'app',
    '',
    'host:port/app',
    'host:/app',
    'reg.example.com/a b',
    'reg.example.com/%zz',
    'reg%41.example.com/app',
    'reg.example.com\u0000/app',
    '://x',
    '1abc://x',
    'ünïcode.example.com/app',
  ];
  it.each(images.map((i) => [JSON.stringify(i), i]))('%s', async (_, image) => {
    const [go] = await askGo([{ op: 'host', image }]);
    let ours: { host: string } | { error: true };
    try {
      ours = { host: imageRegistryHost(image) };
    } catch {
      ours = { error: true };
    }
    expect(ours).toEqual(go?.error === undefined ? { host: go?.string ?? '' } : { error: true });
  });
});

/** Files from a grammar of what operators write, each read by ours and by the Go SDK. */
const profileName = fc.constantFrom('default', 'west', 'team.prod', 'a-b', 'x@y', 'DEFAULT');
const header = fc.oneof(
  profileName.map((p) => (p === 'default' ? '[default]' : `[profile ${p}]`)),
  profileName.map((p) => `[ profile  ${p} ]`),
  profileName.map((p) => `[profile\t${p}]`),
  profileName.map((p) => `[${p}]`),
  fc.constantFrom(
    '[profile default]',
    '[sso-session corp]',
    '[services local]',
    '[profile]',
    '[ default ] # c',
  ),
);
// Keys the Go SDK reports without validating chains (role_arn and source_profile make it check
// the assume-role chain, which is not reading; the fixed table covers them).
const goKey = fc.constantFrom(
  'region',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'credential_process',
  'ca_bundle',
  'endpoint_url',
  'REGION',
  'Endpoint_Url',
);
const rawValue = fc.oneof(
  fc.constantFrom(
    'us-west-2',
    'AKIAIOSFODNN7EXAMPLE',
    'abc==',
    'a=b',
    'pkcs11:token=a;object=b',
    'x#y',
    'arn:aws:iam::123456789012:role/r',
  ),
  fc.constantFrom(
    '"quoted"',
    "'single'",
    '"half',
    'x # comment',
    'x ; comment',
    'x\t# tab',
    '',
    '  padded  ',
  ),
  fc.stringMatching(/^[a-z0-9=:/#; .-]{1,12}$/),
);
const line = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(goKey, fc.constantFrom(' = ', '=', ' =', ': ', ' : '), rawValue)
      .map(([k, s, v]) => `${k}${s}${v}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('  ', '\t'), goKey, rawValue)
      .map(([i, k, v]) => `${i}${k} = ${v}`),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '# comment',
      '; comment',
      '   # indented',
      '',
      '   ',
      '  continued',
      's3 =',
      '  addressing_style = path',
    ),
  },
);
const section = fc
  .tuple(header, fc.array(line, { maxLength: 6 }))
  .map(([h, ls]) => [h, ...ls].join('\n'));
const file = fc
  .tuple(fc.array(section, { minLength: 0, maxLength: 4 }), fc.boolean())
  .map(([sections, crlf]) => {
    const text = `${sections.join('\n')}\n`;
    return crlf ? text.replace(/\n/g, '\r\n') : text;
  })
  // A lone quote as a value makes the Go SDK panic (it slices s[1:0]); that is not a reading to compare.
  .filter((text) => !/[=:][ \t]*["'][ \t]*(\r?\n|$)/.test(text));

describe('the Go SDK and parseAwsSharedConfig on 3,000 generated pairs of files', () => {
  it('read every profile the same', async () => {
    const cases = fc
      .sample(
        fc.record({
          config: fc.option(file, { nil: undefined }),
          credentials: fc.option(file, { nil: undefined }),
          profile: profileName,
        }),
        { numRuns: 3_000, seed: 1010 },
      )
      .map((c) => ({
        profile: c.profile,
        ...(c.config === undefined ? {} : { config: c.config }),
        ...(c.credentials === undefined ? {} : { credentials: c.credentials }),
      }));
    const answers = await askGo(cases.map((c) => ask(c, c.profile)));
    const mismatches = cases
      .map((c, i) => {
        const go = answers[i];
        const goReads = go?.error === undefined ? (go?.settings ?? {}) : undefined;
        const ours = asGoReports(c, c.profile);
        return JSON.stringify(goReads) === JSON.stringify(ours && sortKeys(ours)) ||
          JSON.stringify(goReads && sortKeys(goReads)) === JSON.stringify(ours && sortKeys(ours))
          ? undefined
          : { case: c, go: goReads ?? go?.error, ours };
      })
      .filter((m) => m !== undefined);
    if (mismatches.length > 0)
      console.log(JSON.stringify(mismatches.slice(0, 4), null, 1), mismatches.length);
    expect(mismatches.slice(0, 3)).toEqual([]);
  });
});

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}
