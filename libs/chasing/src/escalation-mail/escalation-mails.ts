import { asMailEvent, evolveMail, isSettled, MailState, OWED } from '../../../mail/src/index.js';

/**
 * A coordinator's mails of one escalation step are numbered: the first is keyed by the step (as it always was),
 * a follow-up for agencies escalated at the step after the first went by `<step>#<n>`. A step is a date or
 * `now-<version>`, never with a `#`.
 */
export const escalationMailKey = (step: string, batch: number) => (batch === 1 ? step : `${step}#${batch}`);

/** The step an escalation mail's ledger key is of. */
export const stepOfEscalationKey = (key: string) => key.split('#')[0];

const batchOf = (key: string) => {
  const n = key.split('#')[1];
  return n === undefined ? 1 : Number(n);
};

export interface LoggedEvent {
  type: string;
  data: unknown;
  recordedAt: Date;
  globalPosition?: number;
}

export interface EscalationMailsSoFar {
  /**
   * The number the step's next mail goes under: the last one again while it is unsettled (claimed by a sender,
   * or failed and to be tried again), so a mail is finished before another is begun; else one more.
   */
  batch: number;
  /** The agencies a settled mail of the step named (sent, or failed for good): never named again. */
  told: Set<string>;
}

/**
 * What the coordinator has been told of a step so far, folded from the cycle's `escalations:` ledger stream. Each
 * mail's events carry the agencies it names (`covers`); a mail sent by an earlier release carries none, and named
 * every agency escalated at the step whose AgencyChased was logged before the mail was claimed.
 */
export function escalationMailsSoFar(
  ledger: readonly LoggedEvent[],
  mail: { step: string; recipient: string },
  escalatedAt: ReadonlyMap<string, LoggedEvent>,
): EscalationMailsSoFar {
  const mails = new Map<number, { state: MailState; covers?: readonly string[]; claimed?: LoggedEvent }>();
  for (const e of ledger) {
    const m = asMailEvent('Reminder', e);
    if (!m || stepOfEscalationKey(m.data.key) !== mail.step) continue;
    if (m.data.recipient.toLowerCase() !== mail.recipient.toLowerCase()) continue;
    const n = batchOf(m.data.key);
    const known = mails.get(n) ?? { state: OWED };
    mails.set(n, {
      state: evolveMail(known.state, m),
      covers: m.data.covers ?? known.covers,
      claimed: m.type === 'Claimed' ? e : known.claimed,
    });
  }
  const told = new Set<string>();
  let last = 0;
  for (const [n, { state, covers, claimed }] of mails) {
    last = Math.max(last, n);
    if (!isSettled(state)) continue;
    const named = covers ?? [...escalatedAt].filter(([, e]) => claimed && before(e, claimed)).map(([a]) => a);
    for (const agencyId of named) told.add(agencyId);
  }
  if (last === 0) return { batch: 1, told };
  return { batch: isSettled(mails.get(last)!.state) ? last + 1 : last, told };
}

const before = (a: LoggedEvent, b: LoggedEvent) =>
  a.globalPosition !== undefined && b.globalPosition !== undefined
    ? a.globalPosition < b.globalPosition
    : a.recordedAt.getTime() <= b.recordedAt.getTime();
