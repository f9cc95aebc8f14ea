/** Every command of eksa-credprov, in the order help lists them. */
import type { Command } from '../cli.ts';
import { completionCommand } from './completion.ts';
import { PACKAGE_COMMANDS } from './packages.ts';
import { PROVIDER_COMMANDS } from './provider.ts';
import { ROLES_ANYWHERE_COMMANDS } from './roles-anywhere.ts';
import { SECRET_COMMANDS } from './secret.ts';
import { SERVICE_ACCOUNT_COMMANDS } from './service-account.ts';
import { VALIDATE_COMMANDS } from './validate.ts';

/** The command table. */
export const COMMANDS: readonly Command[] = [
  ...PACKAGE_COMMANDS,
  ...SECRET_COMMANDS,
  ...ROLES_ANYWHERE_COMMANDS,
  ...SERVICE_ACCOUNT_COMMANDS,
  ...VALIDATE_COMMANDS,
  ...PROVIDER_COMMANDS,
  completionCommand(() => COMMANDS),
];
