import { at, CYCLE, given, submitted } from '../testing/chase-given.js';
import { decideEscalationMail, ESCALATION_GATHER_MS } from './escalation-mail.decide.js';
import { LoggedEvent } from './escalation-mails.js';

// The police (M1, M2) and the council (M3) are both escalated at the step of Monday 7 December 2026.
const STEP = '2026-12-07';
const CORA = 'cora@lsp.example.org';
const mail = { step: STEP, recipient: CORA };

function chasedAt(agencyId: string, returnIds: string[], recordedAt: Date, coordinator = CORA) {
  return [
    {
      type: 'AgencyChased',
      data: {
        cycleId: CYCLE,
        agencyId,
        step: STEP,
        kind: 'escalation',
        returnIds,
        recipients: [
          { email: `lead@${agencyId}.example.org`, role: 'lead' },
          { email: coordinator, role: 'coordinator' },
        ],
      },
      version: 1,
      recordedAt,
    },
  ];
}

const police = (when = at(STEP)) => chasedAt('police', [`${CYCLE}.M1`, `${CYCLE}.M2`], when);
const council = (when = at(STEP)) => chasedAt('council', [`${CYCLE}.M3`], when);

function decide(
  chases: Record<string, ReturnType<typeof police>>,
  now = at(STEP),
  g = {},
  ledger: LoggedEvent[] = [],
) {
  const { snapshot, calendar } = given(g);
  const all = new Map(['council', 'police'].map((a) => [a, chases[a] ?? []]));
  return decideEscalationMail(mail, { snapshot, chases: all, ledger, calendar }, now);
}

/** The coordinator's mail `key` of the step in the ledger: claimed, then sent or failed, naming `covers`. */
function mailed(
  key: string,
  recordedAt: Date,
  outcome: 'sent' | 'retrying' | 'claimed',
  covers?: string[],
): LoggedEvent[] {
  const address = { key, recipient: CORA, ...(covers ? { covers } : {}) };
  const claimed = {
    type: 'ReminderClaimed',
    data: { ...address, claimId: 'c', leaseUntil: 'x' },
    recordedAt,
  };
  if (outcome === 'claimed') return [claimed];
  return [
    claimed,
    outcome === 'sent'
      ? { type: 'ReminderSent', data: { ...address, messageId: `<${key}>` }, recordedAt }
      : {
          type: 'ReminderDeliveryFailed',
          data: { ...address, reason: '421', responseCode: 421, permanent: false, willRetry: true },
          recordedAt,
        },
  ];
}

const agenciesOf = (d: ReturnType<typeof decide>) =>
  d.type === 'send'
    ? d.agencies.map((a) => `${a.agencyId}: ${a.outstanding.map((r) => r.measureRef).join(' ')}`)
    : d;

describe('decideEscalationMail: one mail per escalation step for a coordinator', () => {
  it('lists every agency escalated at the step, each with what it still owes', () => {
    expect(agenciesOf(decide({ police: police(), council: council() }))).toEqual([
      'council: M3',
      'police: M1 M2',
    ]);
  });

  it('waits while an agency due at the step is not recorded yet, then goes without it', () => {
    const now = at(STEP);
    expect(decide({ police: police(now) }, now)).toEqual({
      type: 'wait',
      until: new Date(now.getTime() + 1_000),
    });
    const later = new Date(now.getTime() + ESCALATION_GATHER_MS);
    expect(agenciesOf(decide({ police: police(now) }, later))).toEqual(['police: M1 M2']);
  });

  it('leaves out an agency that has sent its returns since it was escalated', () => {
    expect(
      agenciesOf(
        decide({ police: police(), council: council() }, at(STEP), { returns: { M3: [submitted] } }),
      ),
    ).toEqual(['police: M1 M2']);
    const all = { M1: [submitted], M2: [submitted], M3: [submitted] };
    expect(decide({ police: police(), council: council() }, at(STEP), { returns: all })).toEqual({
      type: 'not-due',
      why: 'no longer due',
    });
  });

  it('owes nothing to a coordinator no escalation of the step names', () => {
    expect(decide({})).toMatchObject({ type: 'not-due', why: 'no such escalation' });
    const other = chasedAt('police', [`${CYCLE}.M1`], at(STEP), 'olga@lsp.example.org');
    expect(decide({ police: other, council: council() })).toMatchObject({ type: 'send' });
    expect(decide({ police: other })).toMatchObject({ type: 'not-due', why: 'no such escalation' });
  });

  describe('an agency escalated at the step after its mail went', () => {
    const later = new Date(at(STEP).getTime() + ESCALATION_GATHER_MS + 60_000);
    const sent = mailed(STEP, new Date(at(STEP).getTime() + ESCALATION_GATHER_MS), 'sent', ['police']);

    it("is named in a follow-up that names only it, as the step's second mail", () => {
      const d = decide({ police: police(), council: council(later) }, later, {}, sent);
      expect(agenciesOf(d)).toEqual(['council: M3']);
      expect(d).toMatchObject({ batch: 2 });
    });

    it('is never named twice: nothing is owed once the follow-up went', () => {
      const both = [...sent, ...mailed(`${STEP}#2`, later, 'sent', ['council'])];
      expect(decide({ police: police(), council: council(later) }, later, {}, both)).toMatchObject({
        type: 'not-due',
        why: 'every agency escalated at the step told already',
      });
    });

    it('waits for a follow-up under way to finish before another is begun, and tries it again', () => {
      const under = [...sent, ...mailed(`${STEP}#2`, later, 'retrying', ['council'])];
      expect(decide({ police: police(), council: council(later) }, later, {}, under)).toMatchObject({
        type: 'send',
        batch: 2,
      });
    });

    it('reads a mail of an earlier release, which names no agencies, as naming those logged before its claim', () => {
      const legacy = mailed(STEP, new Date(at(STEP).getTime() + 1_000), 'sent');
      const d = decide({ police: police(), council: council(later) }, later, {}, legacy);
      expect(agenciesOf(d)).toEqual(['council: M3']);
      expect(decide({ police: police(), council: council() }, later, {}, legacy)).toMatchObject({
        type: 'not-due',
      });
    });

    it("leaves a first mail that has not gone yet as the step's first, naming every agency", () => {
      const claimed = mailed(STEP, at(STEP), 'claimed', ['police']);
      const d = decide({ police: police(), council: council(later) }, later, {}, claimed);
      expect(agenciesOf(d)).toEqual(['council: M3', 'police: M1 M2']);
      expect(d).toMatchObject({ batch: 1 });
    });
  });
});
