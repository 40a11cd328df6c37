import type { Actor } from '../../../kernel/src/index.js';
import {
  coordinator,
  lead,
  otherLead,
  otherReviewer,
  reviewer,
  thenError,
  viewer,
} from '../../../../test/support/decide-spec.js';
import { ReturnContent } from './return-content.js';
import { decideReturn, ReturnCommand } from './return.decide.js';
import { ReturnEvent } from './return.events.js';
import { evolveReturn, initialReturn, ReturnState } from './return.state.js';

// given-events / when-command / then-events
const given = (...events: ReturnEvent[]): ReturnState => events.reduce(evolveReturn, initialReturn());
const when = (state: ReturnState, command: ReturnCommand): ReturnEvent[] => decideReturn(command, state);

/** A live state, for reading facts the evolve step derived. */
function live(state: ReturnState) {
  if (state.status === 'none') throw new Error('expected a live return');
  return state;
}

// Content
const full: ReturnContent = {
  rag: 'amber',
  narrative: 'NEET figures fell in most districts.\n\n- Sevenoaks 2.1%\n- Tonbridge 2.4%',
  dot: 'improving',
  comments: 'Figures from KCC.',
  tables: [{ caption: 'NEET by district', header: ['District', 'NEET'], rows: [['Sevenoaks', '2.1%']] }],
};
const partial: ReturnContent = { narrative: 'Work started; figures to follow.' };
/** `full` as a browser's form sends it: every line break CRLF, and a lone CR from a pasted old file. */
const typedInABrowser: ReturnContent = {
  ...full,
  narrative: 'NEET figures fell in most districts.\r\n\r\n- Sevenoaks 2.1%\r- Tonbridge 2.4%',
  comments: 'Figures\r\nfrom KCC.',
  ragReason: 'Below target\r\nbut improving',
  tables: [
    {
      caption: 'NEET\r\nby district',
      header: ['District\r\n2020', 'NEET'],
      rows: [['Seven\r\noaks', '2.1%']],
    },
  ],
  caseStudies: [
    { title: "Jo\r's story", agency: 'KCC', sections: [{ heading: 'Then\r\nnow', body: 'Jo\r\n\r\nworks' }] },
  ],
};
/** The same content with LF line endings, as the API stores it. */
const withLineFeeds: ReturnContent = {
  ...full,
  comments: 'Figures\nfrom KCC.',
  ragReason: 'Below target\nbut improving',
  tables: [
    { caption: 'NEET\nby district', header: ['District\n2020', 'NEET'], rows: [['Seven\noaks', '2.1%']] },
  ],
  caseStudies: [
    { title: "Jo\n's story", agency: 'KCC', sections: [{ heading: 'Then\nnow', body: 'Jo\n\nworks' }] },
  ],
};
const amended: ReturnContent = {
  ...full,
  rag: 'green',
  narrative: 'Corrected: NEET fell in every district.',
};

// Events
const DUE = '2020-04-30';
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
    dueDate: DUE,
  },
};
const saved = (content: ReturnContent, by = lead.id): ReturnEvent => ({
  type: 'ReturnDraftSaved',
  data: { content, by },
});
const submitted = (content: ReturnContent, by = lead.id, late = false): ReturnEvent => ({
  type: 'ReturnSubmitted',
  data: { content, by, late },
});
const approved = (content: ReturnContent, by = reviewer.id): ReturnEvent => ({
  type: 'ReturnApproved',
  data: { content, by },
});
const sentBack = (reason = 'Add the NEET table'): ReturnEvent => ({
  type: 'ReturnSentBack',
  data: { reason },
});
const reopened = (reason = 'Figures were revised'): ReturnEvent => ({
  type: 'ReturnReopened',
  data: { reason },
});
const extended = (dueDate: string, reason = 'Data late from ONS'): ReturnEvent => ({
  type: 'DeadlineExtended',
  data: { dueDate, reason },
});
const reassigned = (toAgencyId: string, fromAgencyId = 'kcc'): ReturnEvent => ({
  type: 'ReturnReassigned',
  data: { fromAgencyId, toAgencyId, reason: 'Lead moved' },
});
const withdrawn: ReturnEvent = { type: 'ReturnWithdrawn', data: { reason: 'Measure dropped' } };

// Histories by status
const histories = {
  requested: () => given(requested),
  draft: () => given(requested, saved(partial)),
  submitted: () => given(requested, submitted(full)),
  approved: () => given(requested, submitted(full), approved(full)),
  withdrawn: () => given(requested, withdrawn),
};

const onTime = new Date('2020-04-20T10:00:00Z');

describe('decideReturn', () => {
  describe('an unknown return', () => {
    it.each<[string, ReturnCommand]>([
      ['SaveReturnDraft', { type: 'SaveReturnDraft', actor: lead, content: partial }],
      ['SubmitReturn', { type: 'SubmitReturn', actor: lead, content: full, now: onTime }],
      ['ApproveReturn', { type: 'ApproveReturn', actor: reviewer, openChangeRequests: [] }],
      ['ExtendDeadline', { type: 'ExtendDeadline', actor: coordinator, dueDate: '2020-05-31', reason: 'x' }],
      ['WithdrawReturn', { type: 'WithdrawReturn', actor: coordinator, reason: 'x' }],
    ])('%s is refused with return-not-found 404', (_name, command) => {
      thenError(() => when(given(), command), 'return-not-found', 'not-found');
    });
  });

  describe('SaveReturnDraft', () => {
    it('saves a first draft of a requested return, even without a RAG', () => {
      expect(when(given(requested), { type: 'SaveReturnDraft', actor: lead, content: partial })).toEqual([
        { type: 'ReturnDraftSaved', data: { content: partial, by: 'ann' } },
      ]);
    });

    it('saves over an earlier draft', () => {
      expect(
        when(given(requested, saved(partial)), { type: 'SaveReturnDraft', actor: lead, content: full }),
      ).toEqual([{ type: 'ReturnDraftSaved', data: { content: full, by: 'ann' } }]);
    });

    it('saves a draft after the return was sent back', () => {
      const state = given(requested, submitted(full), sentBack());
      expect(when(state, { type: 'SaveReturnDraft', actor: lead, content: amended })).toEqual([
        { type: 'ReturnDraftSaved', data: { content: amended, by: 'ann' } },
      ]);
    });

    it('saves a draft of an amendment after the return was reopened', () => {
      const state = given(requested, submitted(full), approved(full), reopened());
      expect(when(state, { type: 'SaveReturnDraft', actor: lead, content: amended })).toEqual([
        { type: 'ReturnDraftSaved', data: { content: amended, by: 'ann' } },
      ]);
    });

    it('lets a coordinator save a draft on the agency’s behalf', () => {
      expect(
        when(given(requested), { type: 'SaveReturnDraft', actor: coordinator, content: partial }),
      ).toEqual([{ type: 'ReturnDraftSaved', data: { content: partial, by: 'cora' } }]);
    });

    it('stores every free text with LF line endings, as typed in a browser (CRLF, a lone CR) or by an API client', () => {
      expect(
        when(given(requested), { type: 'SaveReturnDraft', actor: lead, content: typedInABrowser }),
      ).toEqual([{ type: 'ReturnDraftSaved', data: { content: withLineFeeds, by: 'ann' } }]);
    });

    it('records nothing for a draft that says what the return already says', () => {
      // The web form's step left as it was: every field sent, empty ones as null, on a requested return.
      const untouched: ReturnContent = { rag: null, narrative: null, dot: null, comments: null, tables: [] };
      expect(when(given(requested), { type: 'SaveReturnDraft', actor: lead, content: untouched })).toEqual(
        [],
      );
      // The same draft saved again, typed in a browser (CRLF) over one stored with LF, keys in another order.
      const state = given(requested, saved(withLineFeeds));
      const reordered = Object.fromEntries(Object.entries(typedInABrowser).reverse()) as ReturnContent;
      expect(when(state, { type: 'SaveReturnDraft', actor: coordinator, content: reordered })).toEqual([]);
      expect(
        when(given(requested, submitted(full), sentBack()), {
          type: 'SaveReturnDraft',
          actor: lead,
          content: full,
        }),
      ).toEqual([]);
    });

    it('records a draft that changes anything, emptying a field included', () => {
      const state = given(requested, saved(full));
      const cleared = { ...full, comments: null };
      expect(when(state, { type: 'SaveReturnDraft', actor: lead, content: cleared })).toEqual([
        { type: 'ReturnDraftSaved', data: { content: cleared, by: 'ann' } },
      ]);
      const oneCell = { ...full, tables: [{ ...full.tables![0], rows: [['Sevenoaks', '2.2%']] }] };
      expect(when(state, { type: 'SaveReturnDraft', actor: lead, content: oneCell })).toHaveLength(1);
      expect(when(state, { type: 'SaveReturnDraft', actor: lead, content: {} })).toHaveLength(1);
    });

    it('still refuses an unchanged draft where a draft may not be saved (return-submitted 409)', () => {
      thenError(
        () => when(histories.submitted(), { type: 'SaveReturnDraft', actor: lead, content: full }),
        'return-submitted',
        'conflict',
      );
    });

    it.each([
      ['submitted', 'return-submitted'],
      ['approved', 'return-approved'],
      ['withdrawn', 'return-withdrawn'],
    ] as const)('is refused when the return is %s (%s 409)', (status, code) => {
      thenError(
        () => when(histories[status](), { type: 'SaveReturnDraft', actor: lead, content: partial }),
        code,
        'conflict',
      );
    });

    it('is answered to the lead of another agency as a return that does not exist (return-not-found, not-found)', () => {
      thenError(
        () => when(given(requested), { type: 'SaveReturnDraft', actor: otherLead, content: partial }),
        'return-not-found',
        'not-found',
      );
    });

    it('is answered to an agency lead whose link names no agency as no return (return-not-found, not-found)', () => {
      const noAgency: Actor = { id: 'ann', partnershipId: 'lsp', role: 'agency-lead' };
      thenError(
        () => when(given(requested), { type: 'SaveReturnDraft', actor: noAgency, content: partial }),
        'return-not-found',
        'not-found',
      );
    });

    it('is refused to a viewer (forbidden)', () => {
      thenError(
        () => when(given(requested), { type: 'SaveReturnDraft', actor: viewer, content: partial }),
        'forbidden',
        'forbidden',
      );
    });

    it('after a reassignment, belongs to the new agency’s lead and no longer to the old one’s', () => {
      const state = given(requested, saved(partial), reassigned('csp'));
      expect(when(state, { type: 'SaveReturnDraft', actor: otherLead, content: full })).toEqual([
        { type: 'ReturnDraftSaved', data: { content: full, by: 'bob' } },
      ]);
      thenError(
        () => when(state, { type: 'SaveReturnDraft', actor: lead, content: full }),
        'return-not-found',
        'not-found',
      );
    });
  });

  // Issue 10: `caseStudies: [[]]` was accepted, approved, and broke the report in every format.
  describe('content that can never be valid', () => {
    const table = { caption: 'NEET', header: ['District', 'NEET'], rows: [['Sevenoaks', '2.1%']] };
    const study = {
      title: 'Supported internships',
      agency: 'KCC',
      sections: [{ heading: 'The start', body: 'x' }],
    };
    it.each<[string, unknown, string]>([
      ['a list instead of content', [], 'content'],
      ['null instead of content', null, 'content'],
      ['a list where a case study belongs', { caseStudies: [[]] }, 'caseStudies[0]'],
      ['a list where a table belongs', { tables: [[]] }, 'tables[0]'],
      ['null where a table belongs', { tables: [null] }, 'tables[0]'],
      ['an empty table', { tables: [{}] }, 'tables[0].caption'],
      ['a table whose rows are not lists', { tables: [{ ...table, rows: ['a'] }] }, 'tables[0].rows[0]'],
      [
        'a row wider than its header',
        { tables: [{ ...table, rows: [['a', 'b', 'c']] }] },
        'tables[0].rows[0]',
      ],
      ['a number in a cell', { tables: [{ ...table, rows: [['a', 2]] }] }, 'tables[0].rows[0][1]'],
      [
        'a case study without sections',
        { caseStudies: [{ ...study, sections: undefined }] },
        'caseStudies[0].sections',
      ],
      [
        'a section that is text',
        { caseStudies: [{ ...study, sections: ['x'] }] },
        'caseStudies[0].sections[0]',
      ],
      ['tables that are not a list', { tables: {} }, 'tables'],
      ['a RAG that is not one', { rag: 'purple' }, 'rag'],
      ['a direction that is not one', { dot: 1 }, 'dot'],
      ['a narrative that is not text', { narrative: ['x'] }, 'narrative'],
      ['a NUL character', { comments: 'a\u0000b' }, 'comments'],
      ['half a surrogate pair', { caseStudies: [{ ...study, title: '\udc00' }] }, 'caseStudies[0].title'],
      ['a field no return has', { ragStatus: 'red' }, 'ragStatus'],
    ])(
      'refuses %s, in a draft and in a submission (malformed-content, unprocessable)',
      (_what, content, field) => {
        const asContent = content as ReturnContent;
        thenError(
          () => when(given(requested), { type: 'SaveReturnDraft', actor: lead, content: asContent }),
          'malformed-content',
          'unprocessable',
          field,
        );
        thenError(
          () =>
            when(given(requested), { type: 'SubmitReturn', actor: lead, content: asContent, now: onTime }),
          'malformed-content',
          'unprocessable',
          field,
        );
      },
    );

    it('takes well-formed tables and case studies, and nulls for what is not written yet', () => {
      const content = {
        rag: null,
        narrative: null,
        dot: null,
        comments: null,
        tables: [table],
        caseStudies: [study],
      };
      expect(when(given(requested), { type: 'SaveReturnDraft', actor: lead, content })).toEqual([
        { type: 'ReturnDraftSaved', data: { content, by: 'ann' } },
      ]);
    });
  });

  describe('SubmitReturn', () => {
    it('submits the content given in the command, on time', () => {
      expect(
        when(given(requested), { type: 'SubmitReturn', actor: lead, content: full, now: onTime }),
      ).toEqual([{ type: 'ReturnSubmitted', data: { content: full, by: 'ann', late: false } }]);
    });

    it('submits the saved draft when the command carries no content', () => {
      const state = given(requested, saved(full));
      expect(when(state, { type: 'SubmitReturn', actor: lead, now: onTime })).toEqual([
        { type: 'ReturnSubmitted', data: { content: full, by: 'ann', late: false } },
      ]);
    });

    it('submits content typed in a browser with LF line endings', () => {
      expect(
        when(given(requested), { type: 'SubmitReturn', actor: lead, content: typedInABrowser, now: onTime }),
      ).toEqual([{ type: 'ReturnSubmitted', data: { content: withLineFeeds, by: 'ann', late: false } }]);
    });

    it('submits a draft stored with CRLF before line endings were made one with LF', () => {
      const state = given(requested, saved(typedInABrowser));
      expect(when(state, { type: 'SubmitReturn', actor: lead, now: onTime })).toEqual([
        { type: 'ReturnSubmitted', data: { content: withLineFeeds, by: 'ann', late: false } },
      ]);
    });

    it('submits the command’s content rather than the saved draft when both exist', () => {
      const state = given(requested, saved(full));
      expect(when(state, { type: 'SubmitReturn', actor: lead, content: amended, now: onTime })).toEqual([
        { type: 'ReturnSubmitted', data: { content: amended, by: 'ann', late: false } },
      ]);
    });

    it('requires a RAG rating (rag-required 422, field rag)', () => {
      const { rag: _rag, ...noRag } = full;
      thenError(
        () => when(given(requested), { type: 'SubmitReturn', actor: lead, content: noRag, now: onTime }),
        'rag-required',
        'unprocessable',
        'rag',
      );
    });

    it('requires a RAG rating in the saved draft when submitting it as it stands', () => {
      thenError(
        () => when(given(requested, saved(partial)), { type: 'SubmitReturn', actor: lead, now: onTime }),
        'rag-required',
        'unprocessable',
        'rag',
      );
    });

    it('requires a narrative that is not blank (narrative-required 422, field narrative)', () => {
      thenError(
        () =>
          when(given(requested), {
            type: 'SubmitReturn',
            actor: lead,
            content: { ...full, narrative: '  \n ' },
            now: onTime,
          }),
        'narrative-required',
        'unprocessable',
        'narrative',
      );
    });

    it('refuses a table with nothing in it but its caption (table-empty 422, field tables[1])', () => {
      const captionOnly = { caption: 'Table 2 NEET Not knowns', header: [' '], rows: [['']] };
      thenError(
        () =>
          when(given(requested), {
            type: 'SubmitReturn',
            actor: lead,
            content: { ...full, tables: [...full.tables!, captionOnly] },
            now: onTime,
          }),
        'table-empty',
        'unprocessable',
        'tables[1]',
      );
      // A table of headings alone, or of cells alone, is something to print.
      const headingsOnly = { caption: '', header: ['District'], rows: [] };
      expect(
        when(given(requested), {
          type: 'SubmitReturn',
          actor: lead,
          content: { ...full, tables: [headingsOnly] },
          now: onTime,
        }),
      ).toHaveLength(1);
    });

    it('requires a narrative that is present', () => {
      thenError(
        () =>
          when(given(requested), {
            type: 'SubmitReturn',
            actor: lead,
            content: { rag: 'green' },
            now: onTime,
          }),
        'narrative-required',
        'unprocessable',
        'narrative',
      );
    });

    it('is not late on the due date itself (the last moment of it, UTC)', () => {
      const now = new Date(`${DUE}T23:59:59Z`);
      expect(when(given(requested), { type: 'SubmitReturn', actor: lead, content: full, now })).toEqual([
        { type: 'ReturnSubmitted', data: { content: full, by: 'ann', late: false } },
      ]);
    });

    it('is late the day after the due date', () => {
      const now = new Date('2020-05-01T00:00:00Z');
      expect(when(given(requested), { type: 'SubmitReturn', actor: lead, content: full, now })).toEqual([
        { type: 'ReturnSubmitted', data: { content: full, by: 'ann', late: true } },
      ]);
    });

    it('is late after the ORIGINAL due date even when submitted within an extension', () => {
      const state = given(requested, extended('2020-05-31'));
      const now = new Date('2020-05-10T12:00:00Z');
      expect(when(state, { type: 'SubmitReturn', actor: lead, content: full, now })).toEqual([
        { type: 'ReturnSubmitted', data: { content: full, by: 'ann', late: true } },
      ]);
    });

    it.each([
      ['submitted', 'return-submitted'],
      ['approved', 'return-approved'],
      ['withdrawn', 'return-withdrawn'],
    ] as const)('is refused when the return is %s (%s 409)', (status, code) => {
      thenError(
        () => when(histories[status](), { type: 'SubmitReturn', actor: lead, content: full, now: onTime }),
        code,
        'conflict',
      );
    });

    it('is answered to the lead of another agency as a return that does not exist (return-not-found, not-found)', () => {
      thenError(
        () => when(given(requested), { type: 'SubmitReturn', actor: otherLead, content: full, now: onTime }),
        'return-not-found',
        'not-found',
      );
    });

    it('is refused to a viewer (forbidden)', () => {
      thenError(
        () => when(given(requested), { type: 'SubmitReturn', actor: viewer, content: full, now: onTime }),
        'forbidden',
        'forbidden',
      );
    });

    it('leaves the return submitted, remembering whether it came in late', () => {
      const state = live(given(requested, saved(partial), submitted(full, 'ann', true)));
      expect(state.status).toBe('submitted');
      expect(state.content).toEqual(full);
      expect(state.submittedLate).toBe(true);
    });
  });

  describe('ApproveReturn', () => {
    it('a reviewer approves the submitted content', () => {
      const state = given(requested, saved(partial), submitted(full));
      expect(when(state, { type: 'ApproveReturn', actor: reviewer, openChangeRequests: [] })).toEqual([
        { type: 'ReturnApproved', data: { content: full, by: 'rita' } },
      ]);
    });

    it('a coordinator who did not edit it may approve too', () => {
      expect(
        when(histories.submitted(), { type: 'ApproveReturn', actor: coordinator, openChangeRequests: [] }),
      ).toEqual([{ type: 'ReturnApproved', data: { content: full, by: 'cora' } }]);
    });

    it.each([
      ['requested', 'return-requested'],
      ['draft', 'return-draft'],
      ['approved', 'return-approved'],
      ['withdrawn', 'return-withdrawn'],
    ] as const)('is refused when the return is %s (%s 409)', (status, code) => {
      thenError(
        () => when(histories[status](), { type: 'ApproveReturn', actor: reviewer, openChangeRequests: [] }),
        code,
        'conflict',
      );
    });

    it('is refused to the agency lead whose return it is (forbidden)', () => {
      thenError(
        () => when(histories.submitted(), { type: 'ApproveReturn', actor: lead, openChangeRequests: [] }),
        'forbidden',
        'forbidden',
      );
    });

    it('is answered to the lead of another agency as a return that does not exist (return-not-found, not-found)', () => {
      thenError(
        () =>
          when(histories.submitted(), { type: 'ApproveReturn', actor: otherLead, openChangeRequests: [] }),
        'return-not-found',
        'not-found',
      );
    });

    it('is refused to a reviewer who saved a draft of this version (approver-edited, forbidden)', () => {
      const state = given(requested, saved(partial, 'rita'), submitted(full));
      thenError(
        () => when(state, { type: 'ApproveReturn', actor: reviewer, openChangeRequests: [] }),
        'approver-edited',
        'forbidden',
      );
    });

    it('is refused to a reviewer who submitted this version (approver-edited, forbidden)', () => {
      const state = given(requested, submitted(full, 'rita'));
      thenError(
        () => when(state, { type: 'ApproveReturn', actor: reviewer, openChangeRequests: [] }),
        'approver-edited',
        'forbidden',
      );
    });

    it('is refused to a coordinator who saved a draft of this version (approver-edited, forbidden)', () => {
      const state = given(requested, saved(partial, 'cora'), submitted(full));
      thenError(
        () => when(state, { type: 'ApproveReturn', actor: coordinator, openChangeRequests: [] }),
        'approver-edited',
        'forbidden',
      );
    });

    it('a different reviewer may approve a version another reviewer edited', () => {
      const state = given(requested, saved(partial, 'rita'), submitted(full));
      expect(when(state, { type: 'ApproveReturn', actor: otherReviewer, openChangeRequests: [] })).toEqual([
        { type: 'ReturnApproved', data: { content: full, by: 'rob' } },
      ]);
    });

    it('an editor of the version stays barred after a send back and resubmission', () => {
      const state = given(requested, saved(partial, 'rita'), submitted(full), sentBack(), submitted(amended));
      thenError(
        () => when(state, { type: 'ApproveReturn', actor: reviewer, openChangeRequests: [] }),
        'approver-edited',
        'forbidden',
      );
    });

    it('after approval, an amendment’s editors start afresh: who edited the old version may approve the new', () => {
      const state = given(
        requested,
        saved(partial, 'rita'),
        submitted(full),
        approved(full, 'rob'),
        reopened(),
        saved(amended),
        submitted(amended),
      );
      expect(when(state, { type: 'ApproveReturn', actor: reviewer, openChangeRequests: [] })).toEqual([
        { type: 'ReturnApproved', data: { content: amended, by: 'rita' } },
      ]);
    });

    it('an editor of the amendment may not approve it', () => {
      const state = given(
        requested,
        submitted(full),
        approved(full, 'rob'),
        reopened(),
        submitted(amended, 'rita'),
      );
      thenError(
        () => when(state, { type: 'ApproveReturn', actor: reviewer, openChangeRequests: [] }),
        'approver-edited',
        'forbidden',
      );
    });

    it.each([
      ['an agency lead', lead],
      ['a viewer', viewer],
    ])('is refused to %s (forbidden)', (_who, actor) => {
      thenError(
        () => when(histories.submitted(), { type: 'ApproveReturn', actor, openChangeRequests: [] }),
        'forbidden',
        'forbidden',
      );
    });
  });

  describe('SendReturnBack', () => {
    it('a reviewer sends a submitted return back with the reason, trimmed', () => {
      expect(
        when(histories.submitted(), {
          type: 'SendReturnBack',
          actor: reviewer,
          reason: '  Add the NEET table  ',
        }),
      ).toEqual([{ type: 'ReturnSentBack', data: { reason: 'Add the NEET table' } }]);
    });

    // A right-to-left override with accents on nothing trims to something, but nobody can read it.
    it.each(['', '   \n\t', '\u202e\u0301\u0301', '\u200b...'])(
      'requires a reason (reason-required 422, field reason) — %j',
      (reason) => {
        thenError(
          () => when(histories.submitted(), { type: 'SendReturnBack', actor: reviewer, reason }),
          'reason-required',
          'unprocessable',
          'reason',
        );
      },
    );

    it.each([
      ['requested', 'return-requested'],
      ['draft', 'return-draft'],
      ['approved', 'return-approved'],
      ['withdrawn', 'return-withdrawn'],
    ] as const)('is refused when the return is %s (%s 409)', (status, code) => {
      thenError(
        () => when(histories[status](), { type: 'SendReturnBack', actor: reviewer, reason: 'Fix it' }),
        code,
        'conflict',
      );
    });

    it.each([
      ['an agency lead', lead],
      ['a viewer', viewer],
    ])('is refused to %s (forbidden)', (_who, actor) => {
      thenError(
        () => when(histories.submitted(), { type: 'SendReturnBack', actor, reason: 'Fix it' }),
        'forbidden',
        'forbidden',
      );
    });

    it('puts the return back to draft with its content and the reason visible', () => {
      const state = live(given(requested, submitted(full), sentBack('Add the NEET table')));
      expect(state.status).toBe('draft');
      expect(state.sentBackReason).toBe('Add the NEET table');
      expect(state.content).toEqual(full);
    });

    it('keeps the reason visible while the agency saves its fix', () => {
      const state = live(given(requested, submitted(full), sentBack('Add the NEET table'), saved(amended)));
      expect(state.sentBackReason).toBe('Add the NEET table');
    });
  });

  describe('resubmitting after a send back', () => {
    it('submits the fixed draft', () => {
      const state = given(requested, submitted(full), sentBack(), saved(amended));
      expect(when(state, { type: 'SubmitReturn', actor: lead, now: onTime })).toEqual([
        { type: 'ReturnSubmitted', data: { content: amended, by: 'ann', late: false } },
      ]);
    });

    it('submits the content as sent back when nothing was changed', () => {
      const state = given(requested, submitted(full), sentBack());
      expect(when(state, { type: 'SubmitReturn', actor: lead, now: onTime })).toEqual([
        { type: 'ReturnSubmitted', data: { content: full, by: 'ann', late: false } },
      ]);
    });

    it('clears the send-back reason', () => {
      const state = live(given(requested, submitted(full), sentBack(), saved(amended), submitted(amended)));
      expect(state.status).toBe('submitted');
      expect(state.sentBackReason).toBeNull();
    });

    it('keeps the lateness of the first submission', () => {
      const state = live(
        given(requested, submitted(full, 'ann', false), sentBack(), submitted(amended, 'ann', true)),
      );
      expect(state.submittedLate).toBe(false);
    });
  });

  describe('ReopenReturn', () => {
    it('a coordinator reopens an approved return with a reason', () => {
      expect(
        when(histories.approved(), { type: 'ReopenReturn', actor: coordinator, reason: ' Figures revised ' }),
      ).toEqual([{ type: 'ReturnReopened', data: { reason: 'Figures revised' } }]);
    });

    it('requires a reason (reason-required 422, field reason)', () => {
      thenError(
        () => when(histories.approved(), { type: 'ReopenReturn', actor: coordinator, reason: ' ' }),
        'reason-required',
        'unprocessable',
        'reason',
      );
    });

    it.each([
      ['a reviewer', reviewer],
      ['an agency lead', lead],
      ['a viewer', viewer],
    ])('is refused to %s (forbidden)', (_who, actor) => {
      thenError(
        () => when(histories.approved(), { type: 'ReopenReturn', actor, reason: 'Figures revised' }),
        'forbidden',
        'forbidden',
      );
    });

    it.each([
      ['requested', 'return-requested'],
      ['draft', 'return-draft'],
      ['submitted', 'return-submitted'],
      ['withdrawn', 'return-withdrawn'],
    ] as const)('is refused when the return is %s (%s 409)', (status, code) => {
      thenError(
        () =>
          when(histories[status](), { type: 'ReopenReturn', actor: coordinator, reason: 'Figures revised' }),
        code,
        'conflict',
      );
    });

    it('starts the amendment from the approved content, which stays the approved version', () => {
      const state = live(
        given(requested, saved(partial), submitted(full), approved(full, 'rob'), reopened()),
      );
      expect(state.status).toBe('draft');
      expect(state.content).toEqual(full);
      expect(state.approved).toEqual({ content: full, by: 'rob' });
    });

    it('keeps the approved version while the amendment is written and submitted', () => {
      const state = live(
        given(
          requested,
          submitted(full),
          approved(full, 'rob'),
          reopened(),
          saved(amended),
          submitted(amended),
        ),
      );
      expect(state.content).toEqual(amended);
      expect(state.approved).toEqual({ content: full, by: 'rob' });
    });

    it('replaces the approved version only when the amendment is approved', () => {
      const state = given(requested, submitted(full), approved(full, 'rob'), reopened(), submitted(amended));
      const then = when(state, { type: 'ApproveReturn', actor: otherReviewer, openChangeRequests: [] });
      expect(then).toEqual([{ type: 'ReturnApproved', data: { content: amended, by: 'rob' } }]);
      expect(live(then.reduce(evolveReturn, state)).approved).toEqual({ content: amended, by: 'rob' });
    });
  });

  describe('ExtendDeadline', () => {
    it.each(['requested', 'draft', 'submitted'] as const)(
      'a coordinator extends the due date of a %s return',
      (status) => {
        expect(
          when(histories[status](), {
            type: 'ExtendDeadline',
            actor: coordinator,
            dueDate: '2020-05-31',
            reason: ' Data late from ONS ',
          }),
        ).toEqual([
          { type: 'DeadlineExtended', data: { dueDate: '2020-05-31', reason: 'Data late from ONS' } },
        ]);
      },
    );

    it('moves the due date and keeps the original one', () => {
      const state = live(given(requested, extended('2020-05-31')));
      expect(state.dueDate).toBe('2020-05-31');
      expect(state.originalDueDate).toBe(DUE);
    });

    it('requires a reason (reason-required 422, field reason)', () => {
      thenError(
        () =>
          when(histories.requested(), {
            type: 'ExtendDeadline',
            actor: coordinator,
            dueDate: '2020-05-31',
            reason: '',
          }),
        'reason-required',
        'unprocessable',
        'reason',
      );
    });

    it.each([DUE, '2020-04-01'])('requires a date after the current due date, not %s', (dueDate) => {
      thenError(
        () =>
          when(histories.requested(), { type: 'ExtendDeadline', actor: coordinator, dueDate, reason: 'x' }),
        'due-date-not-later',
        'unprocessable',
        'dueDate',
      );
    });

    it('compares with the extended due date, not the original one', () => {
      const state = given(requested, extended('2020-05-31'));
      thenError(
        () => when(state, { type: 'ExtendDeadline', actor: coordinator, dueDate: '2020-05-15', reason: 'x' }),
        'due-date-not-later',
        'unprocessable',
        'dueDate',
      );
      expect(
        when(state, { type: 'ExtendDeadline', actor: coordinator, dueDate: '2020-06-01', reason: 'x' }),
      ).toEqual([{ type: 'DeadlineExtended', data: { dueDate: '2020-06-01', reason: 'x' } }]);
    });

    it.each([
      '31/05/2020',
      '2020-5-31',
      '2020-05-31T00:00:00Z',
      '2020-13-01',
      '2020-05-32',
      '2021-02-30',
      'soon',
      '',
      // Issue 10: years no monitoring date falls in; PostgreSQL cannot even store year 0000.
      '9999-12-31',
      '2200-01-01',
      null,
      20200531,
    ])('refuses a malformed date %j (invalid-date 422, field dueDate)', (dueDate) => {
      thenError(
        () =>
          when(histories.requested(), {
            type: 'ExtendDeadline',
            actor: coordinator,
            dueDate: dueDate as string,
            reason: 'x',
          }),
        'invalid-date',
        'unprocessable',
        'dueDate',
      );
    });

    it.each([
      ['approved', 'return-approved'],
      ['withdrawn', 'return-withdrawn'],
    ] as const)('is refused once the return is %s (%s 409)', (status, code) => {
      thenError(
        () =>
          when(histories[status](), {
            type: 'ExtendDeadline',
            actor: coordinator,
            dueDate: '2020-05-31',
            reason: 'x',
          }),
        code,
        'conflict',
      );
    });

    it.each([
      ['a reviewer', reviewer],
      ['an agency lead', lead],
      ['a viewer', viewer],
    ])('is refused to %s (forbidden)', (_who, actor) => {
      thenError(
        () =>
          when(histories.requested(), { type: 'ExtendDeadline', actor, dueDate: '2020-05-31', reason: 'x' }),
        'forbidden',
        'forbidden',
      );
    });
  });

  describe('ReassignReturn', () => {
    it.each(['requested', 'draft'] as const)(
      'a coordinator reassigns a %s return to another agency',
      (status) => {
        expect(
          when(histories[status](), {
            type: 'ReassignReturn',
            actor: coordinator,
            toAgencyId: 'csp',
            reason: ' Lead moved ',
          }),
        ).toEqual([
          {
            type: 'ReturnReassigned',
            data: { fromAgencyId: 'kcc', toAgencyId: 'csp', reason: 'Lead moved' },
          },
        ]);
      },
    );

    it('names the current agency as the one it comes from after an earlier reassignment', () => {
      const state = given(requested, reassigned('csp'));
      expect(
        when(state, { type: 'ReassignReturn', actor: coordinator, toAgencyId: 'sdc', reason: 'x' }),
      ).toEqual([
        { type: 'ReturnReassigned', data: { fromAgencyId: 'csp', toAgencyId: 'sdc', reason: 'x' } },
      ]);
    });

    it.each([null, '', 'Kent CC', 'kcc\u0000', ['kcc'], 'x'.repeat(65)])(
      'refuses %j, an agency id that names nothing (invalid-id 422, field toAgencyId)',
      (toAgencyId) => {
        thenError(
          () =>
            when(histories.requested(), {
              type: 'ReassignReturn',
              actor: coordinator,
              toAgencyId: toAgencyId as string,
              reason: 'x',
            }),
          'invalid-id',
          'unprocessable',
          'toAgencyId',
        );
      },
    );

    it('must go to a different agency (same-agency 422, field toAgencyId)', () => {
      thenError(
        () =>
          when(histories.requested(), {
            type: 'ReassignReturn',
            actor: coordinator,
            toAgencyId: 'kcc',
            reason: 'x',
          }),
        'same-agency',
        'unprocessable',
        'toAgencyId',
      );
    });

    it('requires a reason (reason-required 422, field reason)', () => {
      thenError(
        () =>
          when(histories.requested(), {
            type: 'ReassignReturn',
            actor: coordinator,
            toAgencyId: 'csp',
            reason: ' ',
          }),
        'reason-required',
        'unprocessable',
        'reason',
      );
    });

    it.each([
      ['submitted', 'return-submitted'],
      ['approved', 'return-approved'],
      ['withdrawn', 'return-withdrawn'],
    ] as const)('is refused once the return is %s (%s 409)', (status, code) => {
      thenError(
        () =>
          when(histories[status](), {
            type: 'ReassignReturn',
            actor: coordinator,
            toAgencyId: 'csp',
            reason: 'x',
          }),
        code,
        'conflict',
      );
    });

    it.each([
      ['a reviewer', reviewer],
      ['an agency lead', lead],
    ])('is refused to %s (forbidden)', (_who, actor) => {
      thenError(
        () => when(histories.requested(), { type: 'ReassignReturn', actor, toAgencyId: 'csp', reason: 'x' }),
        'forbidden',
        'forbidden',
      );
    });
  });

  describe('WithdrawReturn', () => {
    it.each(['requested', 'draft', 'submitted', 'approved'] as const)(
      'a coordinator withdraws a %s return with a reason',
      (status) => {
        expect(
          when(histories[status](), {
            type: 'WithdrawReturn',
            actor: coordinator,
            reason: ' Measure dropped ',
          }),
        ).toEqual([{ type: 'ReturnWithdrawn', data: { reason: 'Measure dropped' } }]);
      },
    );

    it('requires a reason (reason-required 422, field reason)', () => {
      thenError(
        () => when(histories.requested(), { type: 'WithdrawReturn', actor: coordinator, reason: '' }),
        'reason-required',
        'unprocessable',
        'reason',
      );
    });

    it('is refused when already withdrawn (return-withdrawn, conflict)', () => {
      thenError(
        () => when(histories.withdrawn(), { type: 'WithdrawReturn', actor: coordinator, reason: 'again' }),
        'return-withdrawn',
        'conflict',
      );
    });

    it.each([
      ['a reviewer', reviewer],
      ['an agency lead', lead],
      ['a viewer', viewer],
    ])('is refused to %s (forbidden)', (_who, actor) => {
      thenError(
        () => when(histories.requested(), { type: 'WithdrawReturn', actor, reason: 'Measure dropped' }),
        'forbidden',
        'forbidden',
      );
    });

    it('leaves the return withdrawn', () => {
      expect(live(given(requested, saved(partial), withdrawn)).status).toBe('withdrawn');
    });
  });
});
