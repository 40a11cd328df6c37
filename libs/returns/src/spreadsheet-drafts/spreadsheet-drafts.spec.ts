import { Indicator } from '../../../plan/src/index.js';
import { lead, otherLead } from '../../../../test/support/decide-spec.js';
import { ReturnEvent } from '../return/return.events.js';
import { evolveReturn, initialReturn, LiveReturnState } from '../return/return.state.js';
import { COLUMNS, indicatorColumn, problemInWords, PROGRESS_TOO_LONG, SheetRow } from './returns-sheet.js';
import { decideSpreadsheetRows, StoredReturn } from './spreadsheet-drafts.rules.js';

// given stored returns (from their events) / when rows are uploaded / then problems or drafts.
const indicators: Indicator[] = [
  {
    name: 'Actions achieved',
    unit: '%',
    baseline: 80,
    target: 85,
    direction: 'higher-is-better',
    amber: { value: 80 },
    red: { value: 70 },
  },
];
const requested = (ref: string, agencyId = 'kcc'): ReturnEvent => ({
  type: 'ReturnRequested',
  data: {
    returnId: `y1.${ref}`,
    cycleId: 'y1',
    partnershipId: 'lsp',
    planId: 'plan',
    measureRef: ref,
    themeId: 'safe',
    agencyId,
    dueDate: '2020-04-30',
  },
});
const given = (...streams: ReturnEvent[][]): Map<string, StoredReturn> =>
  new Map(
    streams.map((events) => {
      const state = events.reduce(evolveReturn, initialReturn()) as LiveReturnState;
      return [state.returnId, { state, version: events.length, indicators }];
    }),
  );
const row = (r: number, ref: string, version: number, cells: Record<string, string | number>): SheetRow => ({
  row: r,
  cells: { [COLUMNS.returnId]: `y1.${ref}`, [COLUMNS.version]: version, [COLUMNS.ref]: ref, ...cells },
});
const filled = {
  [COLUMNS.rag]: 'Green',
  [COLUMNS.narrative]: 'On track.',
  [indicatorColumn('Actions achieved')]: 90,
};
const saved = (ref: string): ReturnEvent => ({
  type: 'ReturnDraftSaved',
  data: { content: { narrative: `Saved ${ref}.` }, by: 'ann' },
});

describe('returns spreadsheet rows', () => {
  it('makes each changed row a draft at the version it was downloaded with, and skips rows as stored', () => {
    const stored = given([requested('S1')], [requested('S2'), saved('S2')], [requested('S3')]);
    const then = decideSpreadsheetRows(
      [
        row(2, 'S1', 1, filled),
        row(3, 'S2', 2, { [COLUMNS.narrative]: 'Saved S2.' }),
        row(4, 'S3', 1, {
          ...filled,
          [COLUMNS.dot]: 'no change',
          [indicatorColumn('Actions achieved')]: '85',
        }),
      ],
      stored,
      lead,
      'open',
    );
    expect(then.problems).toEqual([]);
    expect(then.unchanged).toBe(1);
    expect(then.drafts.map((d) => [d.returnId, d.expectedVersion])).toEqual([
      ['y1.S1', 1],
      ['y1.S3', 1],
    ]);
    expect(then.drafts[1].events).toEqual([
      {
        type: 'ReturnDraftSaved',
        data: {
          content: {
            rag: 'green',
            narrative: 'On track.',
            dot: 'no-change',
            comments: null,
            ragReason: null,
            indicators: [{ name: 'Actions achieved', value: 85 }],
          },
          by: 'ann',
        },
      },
    ]);
  });

  it('keeps a progress too long for a cell as stored, while the rest of its row is saved', () => {
    const long = 'x'.repeat(40_000);
    const stored = given([
      requested('S1'),
      { type: 'ReturnDraftSaved', data: { content: { narrative: long }, by: 'ann' } },
    ]);
    const then = decideSpreadsheetRows(
      [row(2, 'S1', 2, { [COLUMNS.rag]: 'Amber', [COLUMNS.narrative]: PROGRESS_TOO_LONG })],
      stored,
      lead,
      'open',
    );
    expect(then.problems).toEqual([]);
    expect(then.drafts[0].events[0]).toMatchObject({ data: { content: { rag: 'amber', narrative: long } } });
    // Left as downloaded, the row says what the return holds.
    const unchanged = decideSpreadsheetRows(
      [row(2, 'S1', 2, { [COLUMNS.narrative]: PROGRESS_TOO_LONG })],
      stored,
      lead,
      'open',
    );
    expect([unchanged.drafts, unchanged.unchanged]).toEqual([[], 1]);
  });

  it('names every bad cell by row and column, and makes no draft', () => {
    const then = decideSpreadsheetRows(
      [
        row(2, 'S1', 1, { ...filled, [COLUMNS.rag]: 'Purple' }),
        row(3, 'S2', 1, {
          ...filled,
          [indicatorColumn('Actions achieved')]: '85%',
          [COLUMNS.comments]: 'x'.repeat(5_001),
        }),
      ],
      given([requested('S1')], [requested('S2')]),
      lead,
      'open',
    );
    expect(then.drafts).toHaveLength(0);
    expect(then.problems.map(problemInWords)).toEqual([
      'Returns sheet, row 2, column RAG: must be Green, Amber or Red, or empty',
      'Returns sheet, row 3, column Comments: must be at most 5,000 characters',
      'Returns sheet, row 3, column Value: Actions achieved: must be a number, such as 85',
    ]);
  });

  it('counts characters as the API does: 5,000 emoji are 5,000 characters, not 10,000', () => {
    const then = decideSpreadsheetRows(
      [row(2, 'S1', 1, { ...filled, [COLUMNS.comments]: '😀'.repeat(5_000) })],
      given([requested('S1')]),
      lead,
      'open',
    );
    expect(then.problems).toEqual([]);
    expect(then.drafts).toHaveLength(1);
  });

  it('refuses a row of a return changed since the download, rather than overwrite it', () => {
    const then = decideSpreadsheetRows(
      [row(2, 'S1', 1, filled)],
      given([requested('S1'), saved('S1')]),
      lead,
      'open',
    );
    expect(then.drafts).toHaveLength(0);
    expect(then.problems).toEqual([
      { row: 2, column: COLUMNS.version, message: expect.stringContaining('changed after this spreadsheet') },
    ]);
  });

  it('refuses rows of returns already submitted, of another agency, unknown, or given twice', () => {
    const submitted: ReturnEvent = {
      type: 'ReturnSubmitted',
      data: { content: { rag: 'green', narrative: 'Done.' }, by: 'ann', late: false },
    } as ReturnEvent;
    const then = decideSpreadsheetRows(
      [
        row(2, 'S1', 2, filled),
        row(3, 'S2', 1, filled),
        row(4, 'S9', 1, filled),
        row(5, 'S3', 1, filled),
        row(6, 'S3', 1, filled),
      ],
      given([requested('S1'), submitted], [requested('S2', 'csp')], [requested('S3')]),
      lead,
      'open',
    );
    expect(then.problems.map((p) => [p.row, p.column])).toEqual([
      [2, COLUMNS.ref],
      [3, COLUMNS.returnId],
      [4, COLUMNS.returnId],
      [6, COLUMNS.returnId],
    ]);
    expect(then.problems[0].message).toBe(
      'S1 has been submitted since, so it cannot be changed from a spreadsheet',
    );
    // The other agency's lead may save the same row: the return is theirs.
    expect(
      decideSpreadsheetRows([row(3, 'S2', 1, filled)], given([requested('S2', 'csp')]), otherLead, 'open')
        .drafts,
    ).toHaveLength(1);
  });

  it('refuses a value for an indicator the measure does not declare, and any change once the cycle is closed', () => {
    const stored = given([requested('S1')]);
    expect(
      decideSpreadsheetRows(
        [row(2, 'S1', 1, { ...filled, [indicatorColumn('Repeat victims')]: 3 })],
        stored,
        lead,
        'open',
      ).problems.map(problemInWords),
    ).toEqual([
      'Returns sheet, row 2, column Value: Repeat victims: is not an indicator of S1: leave it empty',
    ]);
    expect(decideSpreadsheetRows([row(2, 'S1', 1, filled)], stored, lead, 'closed').problems).toEqual([
      { row: 2, column: COLUMNS.ref, message: expect.stringContaining('closed') },
    ]);
  });
});
