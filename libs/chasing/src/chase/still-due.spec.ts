import { addDays } from '../calendar/working-days.js';
import {
  at,
  calendar,
  closed,
  CYCLE,
  drafted,
  DUE,
  extended,
  Given,
  given,
  onRequest,
  opened,
  scheduled,
  submitted,
  withdrawn,
} from '../testing/chase-given.js';
import { ChaseCommand, decideChase } from './chase.decide.js';
import { stillDue } from './still-due.js';

/** The mail sender's last check before sending a mail of the police's chase at `step`, on `day`. */
function checkAt(step: string, day: string, g: Given = {}, isScheduled = true) {
  const due = stillDue(
    given(g).snapshot,
    { agencyId: 'police', step, scheduled: isScheduled },
    calendar,
    at(day),
  );
  return due.due ? { due: true, kind: due.kind, outstanding: due.outstanding.map((r) => r.returnId) } : due;
}

describe('stillDue: whether a recorded chase is still to be sent', () => {
  it('is due on its day and while the catch-up window lasts, then no longer', () => {
    const due = { due: true, kind: 'due', outstanding: [`${CYCLE}.M1`, `${CYCLE}.M2`] };
    expect(checkAt(DUE, DUE)).toEqual(due);
    // Two working days' grace for a worker or Redis that was away: Tuesday and Wednesday, not Thursday.
    expect(checkAt(DUE, '2026-11-18')).toEqual(due);
    expect(checkAt(DUE, '2026-11-19')).toEqual({ due: false, why: 'no longer due' });
    // The next step took over.
    expect(checkAt(DUE, '2026-11-23')).toEqual({ due: false, why: 'no longer due' });
  });

  it('stops a chase whose returns were given more time after it was recorded', () => {
    const later = { returns: { M1: [extended('2026-12-04')], M2: [extended('2026-12-04')] } };
    expect(checkAt(DUE, DUE, later)).toEqual({ due: false, why: 'no longer due' });
  });

  it('names only the returns still outstanding, and stops when none is', () => {
    expect(checkAt(DUE, DUE, { returns: { M2: [submitted] } })).toMatchObject({
      outstanding: [`${CYCLE}.M1`],
    });
    const none = { returns: { M1: [submitted], M2: [withdrawn] } };
    expect(checkAt(DUE, DUE, none)).toEqual({ due: false, why: 'nothing outstanding' });
    expect(checkAt('now-1', DUE, none, false)).toEqual({ due: false, why: 'nothing outstanding' });
  });

  it('stops every chase of a cycle no longer open', () => {
    expect(checkAt(DUE, DUE, { cycle: [drafted(), opened, closed] })).toEqual({
      due: false,
      why: 'cycle closed',
    });
    expect(checkAt('now-1', DUE, { cycle: [] }, false)).toEqual({ due: false, why: 'cycle none' });
  });

  it('keeps a chase asked for due, whatever the day, while something is outstanding', () => {
    for (const day of ['2026-11-05', '2026-11-21', '2027-01-04']) {
      expect(checkAt('now-1', day, {}, false)).toMatchObject({ due: true, kind: 'now' });
    }
  });

  it('agrees with decideChase: every step recorded is still due at the moment it is recorded', () => {
    const commands = (day: string): ChaseCommand[] => [scheduled(day), onRequest(`now-${day}`)];
    for (let day = '2026-11-02'; day <= '2027-01-31'; day = addDays(day, 1)) {
      for (const command of commands(day)) {
        const decided = decideChase(command, given(), at(day));
        const due = stillDue(
          given().snapshot,
          { agencyId: 'police', step: command.step, scheduled: command.type === 'ChaseScheduledStep' },
          calendar,
          at(day),
        );
        const recorded = decided.find((e) => e.type === 'AgencyChased');
        expect(recorded?.data.kind).toEqual(due.due ? due.kind : undefined);
      }
    }
  });
});
