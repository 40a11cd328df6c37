import { DEFAULT_RETENTION, RetentionPeriods } from '../set-retention-periods/retention-periods.js';
import { ContactFact, CycleFact, decideRetentionDue, monthsBefore, RetentionFacts } from './retention-due.js';

const at = (iso: string) => new Date(iso);
const periods = (overrides: Partial<RetentionPeriods> = {}): RetentionPeriods => ({
  ...DEFAULT_RETENTION,
  ...overrides,
});
const contact = (email: string, removedAt: string | null): ContactFact => ({
  email,
  name: email.split('@')[0],
  agencyId: 'csp',
  removedAt: removedAt ? at(removedAt) : null,
});
const cycle = (cycleId: string, openedAt: string, closedAt: string | null): CycleFact => ({
  cycleId,
  openedAt: at(openedAt),
  closedAt: closedAt ? at(closedAt) : null,
});
const given = (facts: Partial<RetentionFacts>): RetentionFacts => ({
  contacts: [],
  cycles: [],
  evidence: [],
  ...facts,
});

describe('what retention deletes or forgets (given facts, when a run at a time, then what is due)', () => {
  const y1 = cycle('y1', '2020-04-01T00:00:00Z', '2020-07-01T00:00:00Z');

  it('never forgets a contact still on the plan, however old', () => {
    const due = decideRetentionDue(
      periods({ contactMonths: 1 }),
      given({ contacts: [contact('on@plan.org', null)], cycles: [y1] }),
      at('2040-01-01T00:00:00Z'),
    );
    expect(due.contacts).toEqual([]);
  });

  it('forgets one off the plan contactMonths after the last cycle they were part of closed, not a day before', () => {
    const facts = given({ contacts: [contact('gone@plan.org', '2020-05-01T00:00:00Z')], cycles: [y1] });
    const p = periods({ contactMonths: 24 });
    expect(decideRetentionDue(p, facts, at('2022-06-30T23:59:59Z')).contacts).toEqual([]);
    expect(decideRetentionDue(p, facts, at('2022-07-01T00:00:00Z')).contacts).toEqual([
      expect.objectContaining({ email: 'gone@plan.org', since: at('2020-07-01T00:00:00Z') }),
    ]);
  });

  it('counts from the removal when that came after their last cycle closed, or when no cycle ever opened', () => {
    const facts = given({
      contacts: [
        contact('late@plan.org', '2021-01-01T00:00:00Z'),
        contact('early@plan.org', '2019-01-01T00:00:00Z'),
      ],
      cycles: [y1],
    });
    const due = decideRetentionDue(periods({ contactMonths: 12 }), facts, at('2021-06-01T00:00:00Z'));
    expect(due.contacts.map((c) => [c.email, c.since])).toEqual([
      ['early@plan.org', at('2019-01-01T00:00:00Z')],
    ]);
  });

  it('keeps a contact while a cycle opened before they left is still open', () => {
    const facts = given({
      contacts: [contact('gone@plan.org', '2020-05-01T00:00:00Z')],
      cycles: [y1, cycle('y2', '2020-04-15T00:00:00Z', null)],
    });
    expect(
      decideRetentionDue(periods({ contactMonths: 1 }), facts, at('2030-01-01T00:00:00Z')).contacts,
    ).toEqual([]);
  });

  it('is not held back by cycles opened after they left', () => {
    const facts = given({
      contacts: [contact('gone@plan.org', '2020-05-01T00:00:00Z')],
      cycles: [y1, cycle('y3', '2021-04-01T00:00:00Z', null)],
    });
    expect(
      decideRetentionDue(periods({ contactMonths: 1 }), facts, at('2021-06-01T00:00:00Z')).contacts,
    ).toHaveLength(1);
  });

  it('deletes the files of cycles closed more than evidenceYears ago only', () => {
    const facts = given({
      cycles: [
        y1,
        cycle('y2', '2021-04-01T00:00:00Z', '2021-07-01T00:00:00Z'),
        cycle('y3', '2022-04-01T00:00:00Z', null),
      ],
      evidence: ['y1', 'y2', 'y3'].map((cycleId) => ({
        cycleId,
        returnId: `${cycleId}.S1`,
        evidenceId: 'e1',
        title: 'Sheet',
      })),
    });
    const due = decideRetentionDue(periods({ evidenceYears: 2 }), facts, at('2023-01-01T00:00:00Z'));
    expect(due.evidence.map((f) => f.cycleId)).toEqual(['y1']);
  });

  it('gives the instants before which mail copies and ended sessions go', () => {
    const due = decideRetentionDue(
      periods({ mailDays: 90, sessionDays: 1 }),
      given({}),
      at('2026-12-03T00:00:00Z'),
    );
    expect(due.mailBefore).toEqual(at('2026-09-04T00:00:00Z'));
    expect(due.sessionsBefore).toEqual(at('2026-12-02T00:00:00Z'));
  });

  it('finds the same at the same time: a second run of the same facts agrees with the dry run', () => {
    const facts = given({ contacts: [contact('gone@plan.org', '2020-05-01T00:00:00Z')], cycles: [y1] });
    const now = at('2030-01-01T00:00:00Z');
    expect(decideRetentionDue(periods(), facts, now)).toEqual(decideRetentionDue(periods(), facts, now));
  });

  it('counts months by the calendar, clamped to the month’s end', () => {
    expect(monthsBefore(at('2024-03-31T10:00:00Z'), 1)).toEqual(at('2024-02-29T10:00:00Z'));
    expect(monthsBefore(at('2024-01-15T00:00:00Z'), 24)).toEqual(at('2022-01-15T00:00:00Z'));
  });
});
