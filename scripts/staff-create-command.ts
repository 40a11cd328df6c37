import { parseArgs } from 'node:util';
import { isEmail } from 'class-validator';
import { DataSource } from 'typeorm';
import { AuthService, STAFF_ROLES, StaffRole } from '../libs/auth/src/index.js';
import { Clock } from '../libs/kernel/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { PlanRepository } from '../libs/plan/src/index.js';

export const STAFF_CREATE_USAGE = `Usage: npm run staff:create -- --partnership <id> --email <email> --name "<name>" [--role coordinator|reviewer|viewer]
The partnership must exist (npm run plan:import -- <plan.yaml> registers it). The password is read from
STAFF_PASSWORD, or generated and printed once.`;

export interface StaffCreateArgs {
  partnershipId: string;
  email: string;
  name: string;
  role: StaffRole;
}

/** A refusal: one line saying what is wrong, and the exit code (2, as for any misuse of a command). */
export class StaffCreateRefused extends Error {
  readonly exitCode = 2;
}

/** npm run staff:create's arguments, each checked, the first thing wrong said in one line. */
export function parseStaffCreateArgs(argv: readonly string[]): StaffCreateArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        partnership: { type: 'string' },
        email: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string', default: 'coordinator' },
      },
    }));
  } catch (error) {
    throw new StaffCreateRefused((error as Error).message.split('\n')[0]);
  }
  const given = (key: string) => (typeof values[key] === 'string' ? (values[key] as string).trim() : '');
  for (const key of ['partnership', 'email', 'name']) {
    if (!given(key)) throw new StaffCreateRefused(`--${key} is required`);
  }
  const email = given('email');
  if (!isEmail(email)) throw new StaffCreateRefused(`--email "${email}" is not an email address`);
  const role = given('role') as StaffRole;
  if (!STAFF_ROLES.includes(role))
    throw new StaffCreateRefused(`--role "${role}" is not one of ${STAFF_ROLES.join(', ')}`);
  return { partnershipId: given('partnership'), email, name: given('name'), role };
}

/**
 * Creates the account once its partnership is known to exist: an account in a partnership nobody registered
 * could never see anything, and a mistyped id would go unnoticed.
 */
export async function createStaffAccount(
  dataSource: DataSource,
  clock: Clock,
  args: StaffCreateArgs,
  password: string,
): Promise<void> {
  const partnership = await new PlanRepository(new EventStore(dataSource)).partnership(args.partnershipId);
  if (partnership.status === 'none') {
    throw new StaffCreateRefused(
      `partnership "${args.partnershipId}" does not exist: import its plan first (npm run plan:import -- <plan.yaml>)`,
    );
  }
  await new AuthService(dataSource, clock).createStaff({ ...args, password });
}
