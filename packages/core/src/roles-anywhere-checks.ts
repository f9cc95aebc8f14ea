/**
 * The checks of IAM Roles Anywhere inputs that the credfile builder (core) and the CreateSession
 * signer (aws) share: the three ARNs, that they agree, and the session duration.
 */
import { checkArn, type Arn } from './aws-names.ts';
import { dropUndefined } from './defined.ts';
import { ISSUE_CODES } from './errors.ts';
import type { IssueCollector } from './issues.ts';

/** The ARNs that were valid, parsed. */
export interface RolesAnywhereArns {
  readonly anchor?: Arn;
  readonly profile?: Arn;
  readonly role?: Arn;
}

/**
 * @internal Checks the trust anchor, profile and role ARNs, each of its kind, and that they agree
 * as `aws_signing_helper` and the service require: the profile and the trust anchor in one region
 * and one account, all three in one partition.
 */
export function checkRolesAnywhereArns(
  init: {
    readonly trustAnchorArn: unknown;
    readonly profileArn: unknown;
    readonly roleArn: unknown;
  },
  at: IssueCollector,
): RolesAnywhereArns {
  const profile = checkArn(init.profileArn, 'rolesanywhere-profile');
  if (profile.problem !== undefined)
    at.at('profileArn').error(ISSUE_CODES.INVALID_ARN, profile.problem);
  const role = checkArn(init.roleArn, 'iam-role');
  if (role.problem !== undefined) at.at('roleArn').error(ISSUE_CODES.INVALID_ARN, role.problem);
  const anchor = checkArn(init.trustAnchorArn, 'rolesanywhere-trust-anchor');
  if (anchor.problem !== undefined)
    at.at('trustAnchorArn').error(ISSUE_CODES.INVALID_ARN, anchor.problem);
  if (profile.arn !== undefined && anchor.arn !== undefined) {
    if (profile.arn.region !== anchor.arn.region)
      at.at('profileArn').error(
        ISSUE_CODES.MISMATCH,
        `is in ${profile.arn.region} but the trust anchor is in ${anchor.arn.region}; aws_signing_helper refuses that: create both in one region`,
      );
    if (profile.arn.accountId !== anchor.arn.accountId)
      at.at('profileArn').error(
        ISSUE_CODES.MISMATCH,
        `is in account ${profile.arn.accountId} but the trust anchor is in ${anchor.arn.accountId}; they must be in one account`,
      );
    if (
      profile.arn.partition !== anchor.arn.partition ||
      (role.arn !== undefined && role.arn.partition !== anchor.arn.partition)
    )
      at.at('roleArn').error(
        ISSUE_CODES.MISMATCH,
        'the role, profile and trust anchor ARNs must be in one AWS partition',
      );
  }
  return {
    ...dropUndefined({ anchor: anchor.arn, profile: profile.arn, role: role.arn }),
  };
}

/** @internal Checks a role session duration: whole seconds from 900 to 43200, the service's range. */
export function checkSessionDuration(value: unknown, at: IssueCollector): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 900 || value > 43200)
    at.error(
      ISSUE_CODES.INVALID_VALUE,
      `${String(value)} must be a whole number of seconds from 900 to 43200 (IAM Roles Anywhere's range)`,
    );
}
