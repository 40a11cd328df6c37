import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReturnHistoryEntry } from '../../../returns/src/index.js';
import {
  CONVERSATION_EVENT_WORDS,
  EVIDENCE_EVENT_WORDS,
  evidenceInWords,
  historyInWords,
  HistoryPeople,
  mergedHistory,
  RETURN_EVENT_WORDS,
  threadInWords,
  timeInWords,
} from './history-words.js';

const people: HistoryPeople = {
  staff: (id) =>
    ({
      'jo@sevenoaks.example.org': { name: 'Jo Smith', role: 'reviewer' },
      'cora@sevenoaks.example.org': { name: 'Cora Jones', role: 'coordinator' },
    })[id] ?? null,
  contact: (email) =>
    email === 'lee@kent.police.uk' ? { name: 'Lee Brown', agencyName: 'Kent Police' } : null,
  agencyName: (id) => ({ 'kent-police': 'Kent Police', kcc: 'Kent County Council' })[id] ?? id,
};

let version = 0;
const entry = (
  type: string,
  actorId: string,
  actorRole: string,
  data: unknown,
  at = '2026-12-03T14:05:00Z',
): ReturnHistoryEntry => ({ version: ++version, type, at, actorId, actorRole, reason: null, data });

describe('history in words', () => {
  beforeEach(() => (version = 0));

  it('has words for every return event type declared in return.events.ts', () => {
    // Read from the source, not from the table: a new event type must fail here until it has words.
    const source = readFileSync(join(__dirname, '../../../returns/src/return/return.events.ts'), 'utf8');
    const declared = [...source.matchAll(/type: '(\w+)'/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThanOrEqual(9);
    expect(declared.filter((type) => !(type in RETURN_EVENT_WORDS))).toEqual([]);
  });

  it('has words for every event type of a return’s thread declared in conversation.events.ts', () => {
    const source = readFileSync(
      join(__dirname, '../../../returns/src/conversation/conversation.events.ts'),
      'utf8',
    );
    const declared = [...source.matchAll(/type: '(\w+)'/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThanOrEqual(2);
    expect(declared.filter((type) => !(type in CONVERSATION_EVENT_WORDS))).toEqual([]);
  });

  it('tells the thread among the return’s events: a change asked for, answered, resolved, by message', () => {
    const at = (minute: number) => `2026-12-03T14:${String(minute).padStart(2, '0')}:00Z`;
    const returnLines = historyInWords(
      [
        entry('ReturnRequested', 'demo-coordinator', 'coordinator', {}, at(0)),
        entry('ReturnSubmitted', 'lee@kent.police.uk', 'agency-lead', {}, at(10)),
      ],
      people,
    );
    version = 0;
    const thread = threadInWords(
      [
        entry(
          'ReturnMessagePosted',
          'jo@sevenoaks.example.org',
          'reviewer',
          {
            messageId: 'm1',
            body: 'Split the\nfigures by district, please.',
            changeRequest: true,
            answers: null,
          },
          at(5),
        ),
        entry(
          'ReturnMessagePosted',
          'lee@kent.police.uk',
          'agency-lead',
          { messageId: 'm2', body: 'Done.', changeRequest: false, answers: 'm1' },
          at(6),
        ),
        entry(
          'ReturnMessagePosted',
          'cora@sevenoaks.example.org',
          'coordinator',
          { messageId: 'm3', body: 'x'.repeat(300), changeRequest: true, answers: null },
          at(11),
        ),
        entry('ChangeRequestResolved', 'jo@sevenoaks.example.org', 'reviewer', { messageId: 'm3' }, at(12)),
      ],
      people,
    );
    const lines = mergedHistory(returnLines, thread);
    expect(lines.map((l) => [l.message ?? `v${l.version}`, l.who, l.what])).toEqual([
      ['v1', 'A coordinator', 'Asked for'],
      ['m1', 'Jo Smith (reviewer)', 'Asked for a change (m1): “Split the figures by district, please.”'],
      ['m2', 'Lee Brown, Kent Police', 'Answered change request m1: “Done.”'],
      ['v2', 'Lee Brown, Kent Police', 'Submitted'],
      ['m3', 'Cora Jones (coordinator)', `Asked for a change (m3): “${'x'.repeat(119)}…”`],
      ['m3', 'Jo Smith (reviewer)', 'Resolved change request m3'],
    ]);
  });

  it('tells a return from request to approval: who by name and role, what in words, with the version', () => {
    // given the events of a return sent back once and approved on its second submission
    const history = [
      entry('ReturnRequested', 'demo-coordinator', 'coordinator', { dueDate: '2026-12-23' }),
      entry('ReturnDraftSaved', 'lee@kent.police.uk', 'agency-lead', { content: {}, by: 'x' }),
      entry('ReturnDraftSaved', 'lee@kent.police.uk', 'agency-lead', { content: {}, by: 'x' }),
      entry('ReturnSubmitted', 'lee@kent.police.uk', 'agency-lead', { content: {}, late: false }),
      entry('ReturnSentBack', 'jo@sevenoaks.example.org', 'reviewer', { reason: 'Add the 2019 baseline' }),
      entry('ReturnSubmitted', 'lee@kent.police.uk', 'agency-lead', { content: {}, late: true }),
      entry('ReturnApproved', 'cora@sevenoaks.example.org', 'coordinator', { content: {} }),
    ];
    // when it is put in words
    const lines = historyInWords(history, people);
    // then
    expect(lines.map((l) => [l.version, l.who, l.what])).toEqual([
      [1, 'A coordinator', 'Asked for, due 23 December 2026'],
      [2, 'Lee Brown, Kent Police', 'Started'],
      [3, 'Lee Brown, Kent Police', 'Saved a draft'],
      [4, 'Lee Brown, Kent Police', 'Submitted'],
      [5, 'Jo Smith (reviewer)', 'Sent back: Add the 2019 baseline'],
      [6, 'Lee Brown, Kent Police', 'Submitted late'],
      [7, 'Cora Jones (coordinator)', 'Approved'],
    ]);
    expect(lines.map((l) => l.who).join()).not.toMatch(/demo-coordinator|@/);
  });

  it('puts the coordinator actions in words with their reasons', () => {
    const c = 'cora@sevenoaks.example.org';
    const lines = historyInWords(
      [
        entry('ReturnReopened', c, 'coordinator', { reason: 'New figures' }),
        entry('DeadlineExtended', c, 'coordinator', { dueDate: '2027-01-08', reason: 'Staff away' }),
        entry('ReturnReassigned', c, 'coordinator', {
          fromAgencyId: 'kcc',
          toAgencyId: 'kent-police',
          reason: 'Police lead this now',
        }),
        entry('ReturnWithdrawn', c, 'coordinator', { reason: 'Measure dropped' }),
        entry('ReturnApproved', 'someone-gone@example.org', 'reviewer', { content: {} }),
        entry('ReturnSubmitted', 'gone@example.org', 'agency-lead', { content: {}, late: false }),
        entry('ReturnApproved', 'processor', 'system', { content: {} }),
      ],
      people,
    );
    expect(lines.map((l) => `${l.who}: ${l.what}`)).toEqual([
      'Cora Jones (coordinator): Reopened: New figures',
      'Cora Jones (coordinator): Deadline moved to 8 January 2027: Staff away',
      'Cora Jones (coordinator): Reassigned from Kent County Council to Kent Police: Police lead this now',
      'Cora Jones (coordinator): Withdrawn: Measure dropped',
      'A reviewer: Approved',
      'An agency lead: Submitted',
      'Partner Returns (automatically): Approved',
    ]);
  });

  it('puts both stages of a two-stage sign-off in words, a board member by role when unknown', () => {
    const lines = historyInWords(
      [
        entry('ReturnReturnedToReview', 'bea@example.org', 'board', { reason: 'Check the survey', by: 'b' }),
        entry('ReturnAccepted', 'cora@sevenoaks.example.org', 'coordinator', { content: {}, by: 'c' }),
      ],
      people,
    );
    expect(lines.map((l) => `${l.who}: ${l.what}`)).toEqual([
      'A board member: Returned to review: Check the survey',
      'Cora Jones (coordinator): Accepted for the report',
    ]);
  });

  it('names the past report an approval was recorded from', () => {
    const recorded = {
      ...entry('ReturnApproved', 'cora@sevenoaks.example.org', 'coordinator', { content: {} }),
      reason: 'Recorded from the past report y1.json',
    };
    expect(historyInWords([recorded], people)[0].what).toBe(
      'Approved: Recorded from the past report y1.json',
    );
  });

  it('gives a line even to an event type it does not know, without its raw name', () => {
    const [line] = historyInWords(
      [entry('ReturnFrobnicated', 'cora@sevenoaks.example.org', 'coordinator', {})],
      people,
    );
    expect(line.what).toBe('Changed');
  });

  it('has words for every event type of a return’s files declared in evidence.events.ts', () => {
    const source = readFileSync(join(__dirname, '../../../returns/src/evidence/evidence.events.ts'), 'utf8');
    const declared = [...source.matchAll(/type: '(\w+)'/g)].map((m) => m[1]);
    expect(declared.length).toBeGreaterThanOrEqual(3);
    expect(declared.filter((type) => !(type in EVIDENCE_EVENT_WORDS))).toEqual([]);
  });

  it('tells a return’s files by title, naming the file each line is about', () => {
    const lines = evidenceInWords(
      [
        entry('EvidenceAttached', 'lee@kent.police.uk', 'agency-lead', {
          evidenceId: 'e1',
          title: 'Action plan monitoring sheet',
          fileName: 'aps-q4.xlsx',
        }),
        entry('EvidenceReportChoiceMade', 'cora@sevenoaks.example.org', 'coordinator', {
          evidenceId: 'e1',
          inReport: true,
        }),
        entry('EvidenceReportChoiceMade', 'cora@sevenoaks.example.org', 'coordinator', {
          evidenceId: 'e1',
          inReport: false,
        }),
        entry('EvidenceRemoved', 'lee@kent.police.uk', 'agency-lead', { evidenceId: 'e1', reason: null }),
      ],
      people,
    );
    expect(lines.map((l) => `${l.who}: ${l.what} [${l.file}]`)).toEqual([
      'Lee Brown, Kent Police: File attached: Action plan monitoring sheet [e1]',
      'Cora Jones (coordinator): File listed in the report: Action plan monitoring sheet [e1]',
      'Cora Jones (coordinator): File taken out of the report: Action plan monitoring sheet [e1]',
      'Lee Brown, Kent Police: File removed: Action plan monitoring sheet [e1]',
    ]);
  });

  it('says when in UK time, in words: GMT in winter, BST in summer, midday and midnight by name', () => {
    expect(timeInWords('2026-12-03T14:05:00Z')).toBe('3 December 2026 at 2:05pm');
    expect(timeInWords('2026-07-01T08:30:00Z')).toBe('1 July 2026 at 9:30am');
    expect(timeInWords('2026-06-30T23:30:00Z')).toBe('1 July 2026 at 12:30am');
    expect(timeInWords('2026-12-03T12:00:00Z')).toBe('3 December 2026 at midday');
    expect(timeInWords('2026-12-03T00:00:00Z')).toBe('3 December 2026 at midnight');
  });
});
