/**
 * The AWS shared-file reading table: each row is a config file and a credentials file (undefined:
 * no such file), a profile, and the settings it has as this SDK reads it, which is as the AWS SDK
 * for Go v2 reads it. `js` and `go` name, with the reason, the rows where the AWS SDK for
 * JavaScript or Go reads otherwise, with what they read. aws-config.test.ts checks ours and the
 * JavaScript SDK's loader; aws-config.integ.test.ts checks the Go SDK's loader (testenv/goref).
 */

type Settings = Readonly<Record<string, string>> | undefined;

/** One row of the table. */
export interface AwsConfigCase {
  readonly name: string;
  readonly config?: string;
  readonly credentials?: string;
  readonly profile: string;
  /** What the profile holds (undefined: there is no such profile). */
  readonly expected: Settings;
  /** Where the AWS SDK for JavaScript differs: why, and what it reads. */
  readonly js?: { readonly why: string; readonly reads: Settings };
  /** Where the AWS SDK for Go differs: why, and what it reads. */
  readonly go?: { readonly why: string; readonly reads: Settings };
}

const KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const TOKEN = 'FwoGZXIvYXdzEJr//////////wEaDAbc+def/ghi=';
const PKCS11 =
  'aws_signing_helper credential-process --certificate pkcs11:token=kubelet;object=client?pin-value=1234 --profile-arn arn:aws:rolesanywhere:us-west-2:123456789012:profile/p';

export const AWS_CONFIG_CASES: readonly AwsConfigCase[] = [
  {
    name: '[default]',
    config: '[default]\nregion = us-west-2\n',
    profile: 'default',
    expected: { region: 'us-west-2' },
  },
  {
    name: '[profile NAME]',
    config: '[default]\nregion = us-east-1\n\n[profile west]\nregion = us-west-1\n',
    profile: 'west',
    expected: { region: 'us-west-1' },
  },
  {
    name: 'a dotted profile name',
    config: '[profile team.prod]\nregion = eu-west-1\n',
    profile: 'team.prod',
    expected: { region: 'eu-west-1' },
  },
  {
    name: 'a profile name with dashes and underscores',
    config: '[profile team-prod_2]\nregion = eu-west-1\n',
    profile: 'team-prod_2',
    expected: { region: 'eu-west-1' },
  },
  {
    name: 'a profile name with @ and +',
    config: '[profile dev@corp+ci]\nregion = eu-west-1\n',
    profile: 'dev@corp+ci',
    expected: { region: 'eu-west-1' },
  },
  {
    name: 'a tab between "profile" and the name',
    config: '[profile\tspaced]\nregion = eu-west-1\n',
    profile: 'spaced',
    expected: { region: 'eu-west-1' },
  },
  {
    name: 'spaces around and inside the brackets',
    config: '[ profile  spaced ]\nregion = eu-west-1\n',
    profile: 'spaced',
    expected: { region: 'eu-west-1' },
    js: {
      why: 'the JavaScript SDK takes the name between the brackets untrimmed and needs one space after "profile"',
      reads: undefined,
    },
  },
  {
    name: 'a profile name with a space',
    config: '[profile my team]\nregion = eu-west-1\n',
    profile: 'my team',
    expected: { region: 'eu-west-1' },
    js: { why: 'the JavaScript SDK accepts only [\\w-@+.%:/] in a profile name', reads: undefined },
  },
  {
    name: 'a profile name with "="',
    config: '[profile a=b]\nregion = eu-west-1\n',
    profile: 'a=b',
    expected: { region: 'eu-west-1' },
    js: { why: 'the JavaScript SDK accepts only [\\w-@+.%:/] in a profile name', reads: undefined },
  },
  {
    name: '[profile default] replaces [default] (after it)',
    config:
      '[default]\nregion = us-east-1\noutput = json\n\n[profile default]\nregion = us-west-2\n',
    profile: 'default',
    expected: { region: 'us-west-2' },
  },
  {
    name: '[profile default] replaces [default] (before it)',
    config:
      '[profile default]\nregion = us-west-2\n\n[default]\nregion = us-east-1\noutput = json\n',
    profile: 'default',
    expected: { region: 'us-west-2' },
  },
  {
    name: '[DEFAULT] is a profile named DEFAULT',
    config: '[DEFAULT]\nregion = us-west-2\n',
    profile: 'DEFAULT',
    expected: { region: 'us-west-2' },
    js: {
      why: 'the JavaScript SDK drops a config section other than [default] without a prefix',
      reads: undefined,
    },
  },
  {
    name: '[NAME] without "profile" is ignored in the config file',
    config: '[west]\nregion = us-west-1\n',
    profile: 'west',
    expected: undefined,
  },
  {
    name: '[profile] alone is not a profile',
    config: '[profile]\nregion = us-west-1\n',
    profile: 'profile',
    expected: undefined,
  },
  {
    name: 'sso-session and services sections beside a profile',
    config:
      '[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = pull\nregion = us-west-2\nservices = local\n\n[sso-session corp]\nsso_region = us-east-1\nsso_start_url = https://corp.awsapps.com/start\n\n[services local]\necr =\n  endpoint_url = http://127.0.0.1:5000\n',
    profile: 'sso',
    expected: {
      sso_session: 'corp',
      sso_account_id: '123456789012',
      sso_role_name: 'pull',
      region: 'us-west-2',
      services: 'local',
    },
  },
  {
    name: 'comments with # and ; at line start, indented, and after values',
    config:
      '# top\n; top\n[default]\n# inside\n  ; indented\nregion = us-west-2 # where\naws_access_key_id = AKIDEXAMPLE\t; tab\naws_secret_access_key = s3cr3t;not-a-comment\n',
    profile: 'default',
    expected: {
      region: 'us-west-2',
      aws_access_key_id: 'AKIDEXAMPLE',
      aws_secret_access_key: 's3cr3t;not-a-comment',
    },
  },
  {
    name: 'a comment after a section header',
    config: '[default] # the main one\nregion = us-west-2\n',
    profile: 'default',
    expected: { region: 'us-west-2' },
  },
  {
    name: '";" and "#" inside a value (a PKCS#11 URI) are not comments',
    config: `[default]\ncredential_process = ${PKCS11}#frag\n`,
    profile: 'default',
    expected: { credential_process: `${PKCS11}#frag` },
  },
  {
    name: 'CRLF line endings',
    config: `[default]\r\nregion = us-west-2\r\naws_access_key_id = ${KEY}\r\naws_secret_access_key = ${SECRET}\r\n`,
    profile: 'default',
    expected: { region: 'us-west-2', aws_access_key_id: KEY, aws_secret_access_key: SECRET },
  },
  {
    name: 'values holding "=", "/" and "+" (base64 padding)',
    config: `[default]\naws_session_token = ${TOKEN}\nrole_session_name = a=b=c\n`,
    profile: 'default',
    expected: { aws_session_token: TOKEN, role_session_name: 'a=b=c' },
  },
  {
    name: 'white space around keys and values',
    config: '[default]\n   \nregion   =    us-west-2   \n',
    profile: 'default',
    expected: { region: 'us-west-2' },
  },
  {
    name: 'indented sub-properties',
    config:
      '[default]\ns3 =\n  max_concurrent_requests = 10\n  addressing_style = path\nregion = us-west-2\n',
    profile: 'default',
    expected: {
      's3.max_concurrent_requests': '10',
      's3.addressing_style': 'path',
      region: 'us-west-2',
    },
  },
  {
    name: 'an indented property with no parent is a property',
    config: '[default]\n  region = us-west-2\n',
    profile: 'default',
    expected: { region: 'us-west-2' },
  },
  {
    name: 'a duplicate section adds to the first',
    config: `[default]\nregion = us-west-2\n\n[profile other]\nregion = x\n\n[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
    profile: 'default',
    expected: { region: 'us-west-2', aws_access_key_id: KEY, aws_secret_access_key: SECRET },
  },
  {
    name: 'a duplicate key: the last wins',
    config: '[default]\nregion = us-east-1\nregion = us-west-2\n',
    profile: 'default',
    expected: { region: 'us-west-2' },
  },
  {
    name: 'a setting before any section is ignored',
    config: 'region = us-east-1\n[default]\noutput = json\n',
    profile: 'default',
    expected: { output: 'json' },
  },
  {
    name: 'an empty config file',
    config: '',
    profile: 'default',
    expected: undefined,
  },
  {
    name: 'no files at all',
    profile: 'default',
    expected: undefined,
  },
  {
    name: 'a byte-order mark',
    config: '\uFEFF[default]\nregion = us-west-2\n',
    profile: 'default',
    expected: { region: 'us-west-2' },
    go: {
      why: 'the Go SDK does not skip a byte-order mark, so the first section header is not one; we read it, as the JavaScript SDK does',
      reads: undefined,
    },
  },
  {
    name: 'keys in capitals',
    config: `[default]\nREGION = us-west-2\nAws_Access_Key_Id = ${KEY}\nAWS_SECRET_ACCESS_KEY = ${SECRET}\n`,
    profile: 'default',
    expected: { region: 'us-west-2', aws_access_key_id: KEY, aws_secret_access_key: SECRET },
    js: {
      why: 'the JavaScript SDK keeps the case of keys',
      reads: { REGION: 'us-west-2', Aws_Access_Key_Id: KEY, AWS_SECRET_ACCESS_KEY: SECRET },
    },
  },
  {
    name: 'a quoted value',
    config: '[default]\nregion = "us-west-2"\nrole_session_name = \'pull\'\n',
    profile: 'default',
    expected: { region: 'us-west-2', role_session_name: 'pull' },
    js: {
      why: 'the JavaScript SDK keeps quotes',
      reads: { region: '"us-west-2"', role_session_name: "'pull'" },
    },
  },
  {
    name: '"key: value" (a legacy form the Go SDK reads)',
    config: '[default]\nregion: us-west-2\n',
    profile: 'default',
    expected: { region: 'us-west-2' },
    js: { why: 'the JavaScript SDK reads only "="', reads: undefined },
  },
  {
    name: 'a continuation line',
    config: '[default]\ncredential_process = /usr/bin/helper\n  --verbose\nregion = us-west-2\n',
    profile: 'default',
    expected: { credential_process: '/usr/bin/helper\n--verbose', region: 'us-west-2' },
    js: {
      why: 'the JavaScript SDK ignores continuation lines',
      reads: { credential_process: '/usr/bin/helper', region: 'us-west-2' },
    },
  },
  {
    name: 'a profile named __proto__',
    config: '[profile __proto__]\nregion = us-west-2\n[default]\nregion = us-east-1\n',
    profile: '__proto__',
    expected: { region: 'us-west-2' },
    js: { why: 'the JavaScript SDK refuses the whole file', reads: undefined },
  },
  {
    name: '";" inside a section name ends the header (Go) or is refused (JavaScript)',
    config: '[profile a;b]\nregion = us-west-2\n',
    profile: 'a;b',
    expected: undefined,
  },
  {
    name: 'the credentials file: [NAME]',
    credentials: `[west]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
    profile: 'west',
    expected: { aws_access_key_id: KEY, aws_secret_access_key: SECRET },
  },
  {
    name: 'the credentials file: [profile NAME] is ignored',
    credentials: `[profile west]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
    profile: 'west',
    expected: undefined,
  },
  {
    name: 'the credentials file: a dotted name',
    credentials: `[team.prod]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
    profile: 'team.prod',
    expected: { aws_access_key_id: KEY, aws_secret_access_key: SECRET },
  },
  {
    name: 'the credentials file wins over the config file for keys and region',
    config:
      '[default]\nregion = us-east-1\naws_access_key_id = FROMCONFIG\naws_secret_access_key = fromconfig\n',
    credentials: `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\nregion = us-west-2\n`,
    profile: 'default',
    expected: { region: 'us-west-2', aws_access_key_id: KEY, aws_secret_access_key: SECRET },
  },
  {
    name: 'the credentials file alone for a profile the config file lacks',
    config: '[profile other]\nregion = us-east-1\n',
    credentials: `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
    profile: 'default',
    expected: { aws_access_key_id: KEY, aws_secret_access_key: SECRET },
  },
  {
    name: 'endpoint_url in the credentials file does not override the config file',
    config: '[default]\nendpoint_url = http://127.0.0.1:1\n',
    credentials: '[default]\nendpoint_url = http://127.0.0.1:2\n',
    profile: 'default',
    expected: { endpoint_url: 'http://127.0.0.1:1' },
    js: {
      why: 'the JavaScript SDK lets every key of the credentials file win',
      reads: { endpoint_url: 'http://127.0.0.1:2' },
    },
  },
  {
    name: 'half an access key in the credentials file does not replace the pair',
    config: `[default]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`,
    credentials: '[default]\naws_access_key_id = AKIAOTHER\n',
    profile: 'default',
    expected: { aws_access_key_id: KEY, aws_secret_access_key: SECRET },
    js: {
      why: 'the JavaScript SDK lets every key of the credentials file win',
      reads: { aws_access_key_id: 'AKIAOTHER', aws_secret_access_key: SECRET },
    },
    go: {
      why: 'the Go SDK refuses the profile ("partial credentials"); so does our provider (parseAwsSharedConfig lists it in refused)',
      reads: undefined,
    },
  },
  {
    name: 'an assume-role profile with its source',
    config: `[profile base]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n\n[profile app]\nrole_arn = arn:aws:iam::123456789012:role/app\nsource_profile = base\nrole_session_name = node\nregion = us-west-2\n`,
    profile: 'app',
    expected: {
      role_arn: 'arn:aws:iam::123456789012:role/app',
      source_profile: 'base',
      role_session_name: 'node',
      region: 'us-west-2',
    },
  },
  {
    name: 'a Roles Anywhere credfile as the chart mounts it',
    config:
      '[default]\nregion = us-west-2\ncredential_process = aws_signing_helper credential-process --certificate /var/lib/kubelet/pki/kubelet-client-current.pem --private-key /var/lib/kubelet/pki/kubelet-client-current.pem --profile-arn arn:aws:rolesanywhere:us-west-2:123456789012:profile/p --role-arn arn:aws:iam::123456789012:role/r --trust-anchor-arn arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/t\n',
    profile: 'default',
    expected: {
      region: 'us-west-2',
      credential_process:
        'aws_signing_helper credential-process --certificate /var/lib/kubelet/pki/kubelet-client-current.pem --private-key /var/lib/kubelet/pki/kubelet-client-current.pem --profile-arn arn:aws:rolesanywhere:us-west-2:123456789012:profile/p --role-arn arn:aws:iam::123456789012:role/r --trust-anchor-arn arn:aws:rolesanywhere:us-west-2:123456789012:trust-anchor/t',
    },
  },
  {
    name: 'ca_bundle and endpoint_url',
    config: '[default]\nca_bundle = /etc/pki/ca.pem\nendpoint_url = https://ecr.internal:8443\n',
    profile: 'default',
    expected: { ca_bundle: '/etc/pki/ca.pem', endpoint_url: 'https://ecr.internal:8443' },
  },
];
