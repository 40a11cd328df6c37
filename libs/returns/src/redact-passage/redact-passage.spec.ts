import { createHash } from 'node:crypto';
import { coordinator, lead, reviewer, thenError, viewer } from '../../../../test/support/decide-spec.js';
import { ReturnContent } from '../return/return-content.js';
import { decideReturn, ReturnCommand } from '../return/return.decide.js';
import { ReturnEvent } from '../return/return.events.js';
import { evolveReturn, initialReturn, ReturnState } from '../return/return.state.js';

// given-events / when-command / then-events
const given = (...events: ReturnEvent[]): ReturnState => events.reduce(evolveReturn, initialReturn());
const when = (state: ReturnState, command: ReturnCommand): ReturnEvent[] => decideReturn(command, state);

const NAME = 'Jamie Example';
const requested: ReturnEvent = {
  type: 'ReturnRequested',
  data: {
    returnId: 'y1.C3',
    cycleId: 'y1',
    partnershipId: 'lsp',
    planId: 'plan',
    measureRef: 'C3',
    themeId: 'caring',
    agencyId: 'kcc',
    dueDate: '2020-04-30',
  },
};
const content: ReturnContent = {
  rag: 'green',
  narrative: `The mentor met ${NAME} weekly.`,
  comments: 'Figures from KCC.',
  caseStudies: [
    {
      title: 'Back to college',
      agency: 'KCC',
      sections: [{ heading: 'The end', body: `${NAME} enrolled.` }],
    },
  ],
};
const approved: ReturnEvent[] = [
  requested,
  { type: 'ReturnSubmitted', data: { content, by: lead.id, late: false } },
  { type: 'ReturnApproved', data: { content, by: reviewer.id } },
];
const redact = (over: Partial<Extract<ReturnCommand, { type: 'RedactPassage' }>> = {}): ReturnCommand => ({
  type: 'RedactPassage',
  actor: coordinator,
  field: 'narrative',
  passage: NAME,
  reason: 'Names a young person',
  ...over,
});

describe('RedactPassage', () => {
  // A return typed in a browser before line endings were made one kind holds CRLF; one stored since holds LF, and
  // a passage pasted into the redaction page's textarea arrives with CRLF. Each finds the other.
  it.each([
    ['an LF passage in a CRLF text', 'Line one.\r\nJamie, line two.', 'Line one.\nJamie'],
    ['a CRLF passage in an LF text', 'Line one.\nJamie, line two.', 'Line one.\r\nJamie'],
  ])('finds %s, and records it with line feeds', (_what, narrative, passage) => {
    const typed: ReturnContent = { ...content, narrative };
    const state = given(
      requested,
      { type: 'ReturnSubmitted', data: { content: typed, by: lead.id, late: false } },
      { type: 'ReturnApproved', data: { content: typed, by: reviewer.id } },
    );
    const [event] = when(state, redact({ passage }));
    expect(event).toMatchObject({
      type: 'PassageRedacted',
      data: {
        passageSha256: createHash('sha256').update('Line one.\nJamie').digest('hex'),
        passageLength: 'Line one.\nJamie'.length,
      },
    });
  });

  it('records where, why, and the passage’s SHA-256 and length, never the passage', () => {
    const events = when(given(...approved), redact());
    expect(events).toEqual([
      {
        type: 'PassageRedacted',
        data: {
          field: 'narrative',
          passageSha256: createHash('sha256').update(NAME).digest('hex'),
          passageLength: NAME.length,
          reason: 'Names a young person',
          by: coordinator.id,
        },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain(NAME);
  });

  it('finds the passage in a case study, and in a draft', () => {
    expect(when(given(...approved), redact({ field: 'caseStudies' }))[0].type).toBe('PassageRedacted');
    const draft = given(requested, { type: 'ReturnDraftSaved', data: { content, by: lead.id } });
    expect(when(draft, redact())[0].type).toBe('PassageRedacted');
  });

  it('finds it in the signed-off version while an amendment no longer holds it', () => {
    const reopened = given(
      ...approved,
      { type: 'ReturnReopened', data: { reason: 'Q4' } },
      { type: 'ReturnDraftSaved', data: { content: { ...content, narrative: 'Rewritten' }, by: lead.id } },
    );
    expect(when(reopened, redact())[0].type).toBe('PassageRedacted');
  });

  it('is the coordinator’s alone', () => {
    for (const actor of [reviewer, viewer, lead]) {
      thenError(() => when(given(...approved), redact({ actor })), 'forbidden', 'forbidden');
    }
  });

  it('refuses a passage that is not in the field, naming the passage', () => {
    thenError(
      () => when(given(...approved), redact({ passage: 'Someone Else' })),
      'passage-not-found',
      'unprocessable',
      'passage',
    );
    // In the case studies, but not in the comments.
    thenError(
      () => when(given(...approved), redact({ field: 'comments' })),
      'passage-not-found',
      'unprocessable',
      'passage',
    );
  });

  it('needs a reason, which must not repeat the passage', () => {
    thenError(
      () => when(given(...approved), redact({ reason: ' ' })),
      'reason-required',
      'unprocessable',
      'reason',
    );
    thenError(
      () => when(given(...approved), redact({ reason: `Names ${NAME}` })),
      'reason-holds-passage',
      'unprocessable',
      'reason',
    );
    thenError(
      () => when(given(...approved), redact({ reason: `Names ${NAME.toUpperCase()}` })),
      'reason-holds-passage',
      'unprocessable',
      'reason',
    );
  });

  it('refuses an unknown field, an empty passage and one that is only [redacted]', () => {
    thenError(
      () => when(given(...approved), redact({ field: 'tables' })),
      'invalid-field',
      'unprocessable',
      'field',
    );
    thenError(
      () => when(given(...approved), redact({ passage: '  ' })),
      'passage-required',
      'unprocessable',
      'passage',
    );
    thenError(
      () => when(given(...approved), redact({ passage: '[redacted]' })),
      'passage-required',
      'unprocessable',
      'passage',
    );
  });

  it('changes nothing in the state: the texts are rewritten where they are held', () => {
    const before = given(...approved);
    const after = when(before, redact()).reduce(evolveReturn, before);
    expect(after).toEqual(before);
  });

  it('answers 404 for a return that does not exist', () => {
    thenError(() => when(initialReturn(), redact()), 'return-not-found', 'not-found');
  });

  describe('from the reasons staff gave (sent back, reopened and the like)', () => {
    const sentBack = `Please take out ${NAME}'s surname.`;

    it('finds the passage in a reason given, and records where and why, never the passage', () => {
      const [event] = when(given(...approved), redact({ field: 'reasons', reasons: [sentBack] }));
      expect(event).toEqual({
        type: 'PassageRedacted',
        data: {
          field: 'reasons',
          passageSha256: createHash('sha256').update(NAME).digest('hex'),
          passageLength: NAME.length,
          reason: 'Names a young person',
          by: coordinator.id,
        },
      });
    });

    it('refuses a passage no reason holds, though the narrative does (passage-not-found, naming passage)', () => {
      thenError(
        () => when(given(...approved), redact({ field: 'reasons', reasons: ['Figures missing.'] })),
        'passage-not-found',
        'unprocessable',
        'passage',
      );
      thenError(
        () => when(given(...approved), redact({ field: 'reasons' })),
        'passage-not-found',
        'unprocessable',
        'passage',
      );
    });

    it('finds no passage inside the [redacted] of an earlier redaction', () => {
      thenError(
        () =>
          when(
            given(...approved),
            redact({ field: 'reasons', reasons: ['Ask [redacted].'], passage: 'act' }),
          ),
        'passage-not-found',
        'unprocessable',
        'passage',
      );
    });
  });
});
