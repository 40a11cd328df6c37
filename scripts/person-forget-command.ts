import { parseArgs } from 'node:util';
import { DataSource } from 'typeorm';
import { StaffAccountErasure } from '../libs/auth/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { Clock, DomainError } from '../libs/kernel/src/index.js';
import { ForgetPersonHandler } from '../libs/returns/src/index.js';
import { PublicationsReissuedWithoutPerson } from '../libs/reporting/src/index.js';

export const PERSON_FORGET_USAGE = `Usage: npm run person:forget -- --email <address> --reason "<why>" [--by <name>]
Forgets the person with this address in every partnership hosted here that knows them, as a contact (now or
before) or as staff: the service operator's erasure, for someone a coordinator cannot forget because another
partnership also has them (409 person-in-other-partnership). The reason is kept for good: it may not name them.`;

export interface PersonForgetArgs {
  email: string;
  reason: string;
  by: string;
}

/** A refusal: one line saying what is wrong, and the exit code (2 for a misuse, 1 for what the rules refused). */
export class PersonForgetRefused extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2,
  ) {
    super(message);
  }
}

export function parsePersonForgetArgs(
  argv: readonly string[],
  user = process.env.USER ?? 'unknown',
): PersonForgetArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        email: { type: 'string' },
        reason: { type: 'string' },
        by: { type: 'string', default: `cli:${user}` },
      },
    }));
  } catch (error) {
    throw new PersonForgetRefused((error as Error).message.split('\n')[0]);
  }
  const email = typeof values.email === 'string' ? values.email.trim() : '';
  if (!email.includes('@')) throw new PersonForgetRefused('--email is required: the address of the person');
  const reason = typeof values.reason === 'string' ? values.reason : '';
  if (!reason.trim())
    throw new PersonForgetRefused('--reason is required: why they are forgotten (kept for good)');
  return { email, reason, by: String(values.by) };
}

/** Forgets them everywhere; the lines to print. */
export async function runPersonForget(
  dataSource: DataSource,
  clock: Clock,
  args: PersonForgetArgs,
): Promise<string[]> {
  const store = new EventStore(dataSource);
  const handler = new ForgetPersonHandler(
    store,
    dataSource,
    clock,
    new StaffAccountErasure(),
    new PublicationsReissuedWithoutPerson(dataSource, store),
  );
  try {
    const done = await handler.forgetEverywhere(
      // The operator acts for no partnership of their own: recorded as the system, by who ran the command.
      {
        actor: { id: args.by, role: 'system', partnershipId: '' },
        correlationId: `person-forget-${clock.now().getTime()}`,
      },
      args.email,
      args.reason,
    );
    return [
      `Forgotten: person ${done.id}, in ${done.partnerships.join(', ')}. Their name and address read [erased] everywhere.`,
    ];
  } catch (error) {
    if (error instanceof DomainError) throw new PersonForgetRefused(`${error.code}: ${error.message}`, 1);
    throw error;
  }
}
