import { Actor, DomainError } from '../../../kernel/src/index.js';

/**
 * How long a partnership keeps what it need not keep for ever (UK GDPR article 5(1)(e), storage limitation).
 * One stream per partnership, so the settings have a history: who set them, when (the event's metadata).
 */
export const retentionStreamId = (partnershipId: string) => `retention:${partnershipId}`;

export interface RetentionPeriods {
  /** Agency contacts no longer on the plan: forgotten this many months after the last cycle they were part of closed. */
  contactMonths: number;
  /** Copies of mail (dev-mail bodies, the settled mail ledger's jobs): deleted this many days after they were sent. */
  mailDays: number;
  /** Ended sessions, used or expired sign-in and password links, sign-in attempt records: days after they ended. */
  sessionDays: number;
  /** Evidence files' bytes of returns in cycles closed longer than this many years: deleted, their hash kept. */
  evidenceYears: number;
}

export type RetentionField = keyof RetentionPeriods;

/** Whole numbers within these bounds, both ends included; the README justifies each default. */
export const RETENTION_BOUNDS: Record<RetentionField, { min: number; max: number; unit: string }> = {
  contactMonths: { min: 1, max: 120, unit: 'months' },
  mailDays: { min: 1, max: 3650, unit: 'days' },
  sessionDays: { min: 1, max: 3650, unit: 'days' },
  evidenceYears: { min: 1, max: 50, unit: 'years' },
};

export const RETENTION_FIELDS = Object.keys(RETENTION_BOUNDS) as RetentionField[];

/**
 * Until a coordinator sets them: two years after the last cycle (a contact who left is often asked again at the
 * next annual cycle), 90 days of mail (long enough to answer "did my mail arrive?"), 30 days of sign-in records
 * (long enough to look into a misuse), six years of evidence (the Limitation Act's six years for a claim).
 */
export const DEFAULT_RETENTION: RetentionPeriods = Object.freeze({
  contactMonths: 24,
  mailDays: 90,
  sessionDays: 30,
  evidenceYears: 6,
});

export type RetentionEvent = {
  type: 'RetentionPeriodsSet';
  data: RetentionPeriods & { partnershipId: string };
};

export interface RetentionState {
  periods: RetentionPeriods;
  /** False until a coordinator first sets them: the defaults apply. */
  set: boolean;
}

export const initialRetention = (): RetentionState => ({ periods: { ...DEFAULT_RETENTION }, set: false });

export function evolveRetention(state: RetentionState, event: RetentionEvent): RetentionState {
  switch (event.type) {
    case 'RetentionPeriodsSet': {
      const { partnershipId: _partnershipId, ...periods } = event.data;
      return { periods, set: true };
    }
    default: {
      const unhandled: never = event.type;
      return unhandled;
    }
  }
}

export interface SetRetentionPeriods {
  type: 'SetRetentionPeriods';
  actor: Actor;
  partnershipId: string;
  /** As typed: each must be a whole number within its bounds. */
  periods: Record<RetentionField, unknown>;
}

/** A coordinator sets the partnership's periods; the same periods again record nothing. */
export function decideRetentionPeriods(
  command: SetRetentionPeriods,
  state: RetentionState,
): RetentionEvent[] {
  if (command.actor.role !== 'coordinator') {
    throw new DomainError('forbidden', 'Only a coordinator sets retention periods', 'forbidden');
  }
  const periods = {} as RetentionPeriods;
  for (const field of RETENTION_FIELDS) {
    const { min, max, unit } = RETENTION_BOUNDS[field];
    const value = command.periods[field];
    const number = typeof value === 'string' && /^\s*\d{1,6}\s*$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
      throw new DomainError(
        'retention-out-of-bounds',
        `${field} must be a whole number of ${unit} from ${min} to ${max}`,
        'unprocessable',
        field,
      );
    }
    periods[field] = number;
  }
  if (state.set && RETENTION_FIELDS.every((f) => state.periods[f] === periods[f])) return [];
  return [{ type: 'RetentionPeriodsSet', data: { partnershipId: command.partnershipId, ...periods } }];
}
