import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { EventStore } from '../libs/event-store/src/index.js';
import { Clock, isWellFormedId } from '../libs/kernel/src/index.js';
import { PlanRepository } from '../libs/plan/src/index.js';
import { BiAccess } from '../libs/reporting/src/index.js';

export const BI_ROLE_USAGE = `Usage: npm run bi:role -- --partnership <id> [--revoke] [--by <name>]
Creates the partnership's read-only PostgreSQL role for BI tools, or gives it a new password (printed once);
--revoke drops it. The partnership must exist (npm run plan:import -- <plan.yaml> registers it).`;

export interface BiRoleArgs {
  partnershipId: string;
  revoke: boolean;
  by: string;
}

/** A refusal: one line saying what is wrong, and the exit code (2, as for any misuse of a command). */
export class BiRoleRefused extends Error {
  readonly exitCode = 2;
}

export function parseBiRoleArgs(argv: readonly string[], user = process.env.USER ?? 'unknown'): BiRoleArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        partnership: { type: 'string' },
        revoke: { type: 'boolean', default: false },
        by: { type: 'string', default: `cli:${user}` },
      },
    }));
  } catch (error) {
    throw new BiRoleRefused((error as Error).message.split('\n')[0]);
  }
  const partnershipId = typeof values.partnership === 'string' ? values.partnership.trim() : '';
  if (!partnershipId) throw new BiRoleRefused('--partnership is required');
  if (!isWellFormedId('slug', partnershipId)) {
    throw new BiRoleRefused(`--partnership "${partnershipId}" is not a partnership id (a-z, 0-9 and -)`);
  }
  return { partnershipId, revoke: values.revoke === true, by: String(values.by) };
}

/** Lines to print: the role and, on a grant, its password, once. */
export async function runBiRole(dataSource: DataSource, clock: Clock, args: BiRoleArgs): Promise<string[]> {
  const partnership = await new PlanRepository(new EventStore(dataSource)).partnership(args.partnershipId);
  if (partnership.status === 'none') {
    throw new BiRoleRefused(
      `partnership "${args.partnershipId}" does not exist: import its plan first (npm run plan:import -- <plan.yaml>)`,
    );
  }
  const access = new BiAccess(dataSource);
  if (args.revoke) {
    await access.revoke(args.partnershipId);
    return [`Dropped the BI role of ${args.partnershipId}.`];
  }
  const actor = { id: args.by, role: 'coordinator' as const, partnershipId: args.partnershipId };
  const granted = await access.grant(actor, clock.now());
  return [
    `${granted.version === 1 ? 'Created' : 'Rotated'} the BI role of ${args.partnershipId}.`,
    `database: ${granted.database}`,
    `user:     ${granted.role}`,
    `password: ${granted.password}   (shown once)`,
    `views:    ${granted.views.join(', ')}`,
  ];
}
