import ExcelJS from 'exceljs';
import { coordinator, thenError } from '../../../../test/support/decide-spec.js';
import { initialCycle } from '../cycle/cycle.state.js';
import { readHistoricalUpload } from './read-historical-upload.js';
import { decideRecordHistoricalCycle } from './record-historical-cycle.decide.js';
import { columnLetter } from './read-report-xlsx.js';

// given a spreadsheet / when it is recorded / then the events or every problem by sheet, row and column
const PLAN = [
  { ref: 'S1', themeId: 'safe', leadAgencyId: 'csp' },
  { ref: 'S4', themeId: 'safe', leadAgencyId: 'csp' },
];
type Rows = (string | Date | null)[][];
const CYCLE: Rows = [
  ['Label', 'Year 1 2019/20'],
  ['Period start', new Date(Date.UTC(2019, 3, 1))],
  ['Period end', '2020-03-31'],
  ['Year heading', 'Year 1 2019/20 (April 2019 - March 2020)'],
];
const HEADER = ['Theme', 'Ref', 'RAG', 'Progress', 'DOT', 'Direction of travel & comments'];

async function workbook(cycle: Rows | null, measures: Rows | null): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  if (cycle) book.addWorksheet('Cycle').addRows(cycle);
  if (measures) book.addWorksheet('Measures').addRows(measures);
  return Buffer.from(await book.xlsx.writeBuffer());
}

async function when(bytes: Buffer) {
  const { file, source } = await readHistoricalUpload({ fileName: 'y1.xlsx', bytes });
  return {
    source,
    decide: () =>
      decideRecordHistoricalCycle(
        {
          type: 'RecordHistoricalCycle',
          actor: coordinator,
          now: new Date('2026-12-03T09:00:00Z'),
          cycleId: 'lsp~y1',
          planId: 'plan',
          source,
          file,
          planMeasures: PLAN,
        },
        { cycle: initialCycle(), recorded: [] },
      ),
  };
}
const problemsOf = (act: () => unknown) =>
  (
    thenError(act, 'invalid-historical-file', 'unprocessable', 'file').details!.problems as {
      at: { sheet: string; row: number; column: string; pointer?: string };
      message: string;
    }[]
  ).map((p) =>
    p.at.sheet ? `${p.at.sheet}!${p.at.column}${p.at.row}: ${p.message}` : `${p.at.pointer}: ${p.message}`,
  );

describe('recording a past cycle from a spreadsheet', () => {
  it('reads the Cycle and Measures sheets into the same events as a JSON report', async () => {
    const { source, decide } = await when(
      await workbook(CYCLE, [
        HEADER,
        ['Safe', 'S1', 'Green', '98% on target.', '', 'Above 85%'],
        [],
        ['Safe', 'S4', 'amber', 'KSI rose.', 'No change', null],
      ]),
    );
    expect(source).toEqual({
      kind: 'xlsx',
      fileName: 'y1.xlsx',
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const { cycle, returns } = decide();
    expect(cycle[0].data).toMatchObject({
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      yearHeading: 'Year 1 2019/20 (April 2019 - March 2020)',
    });
    expect(cycle[1].data).toMatchObject({ source, returnCount: 2 });
    expect(returns.map((r) => r.events[1].data)).toEqual([
      { content: { rag: 'green', narrative: '98% on target.', comments: 'Above 85%' }, by: 'cora' },
      { content: { rag: 'amber', narrative: 'KSI rose.', dot: 'no-change' }, by: 'cora' },
    ]);
  });

  it('names every problem by sheet, row and column, and records nothing', async () => {
    const { decide } = await when(
      await workbook(
        [
          ['Label', 'Year 1'],
          ['Period start', '2019-04-01'],
          ['Period end', '31/03/2020'],
        ],
        [
          HEADER,
          ['Safe', 'S1', 'Purple', '98% on target.', 'Sideways', ''],
          ['Safe', 'X9', 'Green', 'Not in the plan', '', ''],
          ['Safe', 'S4', 'Amber', '', '', ''],
          ['Safe', 'S1', 'Green', 'Again', '', ''],
        ],
      ),
    );
    expect(problemsOf(decide)).toEqual([
      'Cycle!B3: must be a real date, such as 2020-03-31',
      'Measures!C2: must be Red, Amber or Green',
      'Measures!E2: must be Improving, No change, Declining, New, or empty',
      'Measures!D4: must say what progress was made',
      'Measures!B3: X9 is not a measure of the plan',
      'Measures!B5: S1 is given more than once',
    ]);
  });

  it('names a missing sheet or column', async () => {
    expect(problemsOf((await when(await workbook(null, [['Ref', 'Progress']]))).decide)).toEqual([
      'Cycle!A1: is missing: a sheet named Cycle with Label, Period start and Period end',
      'Measures!A1: has no RAG column',
    ]);
  });

  it('refuses a zip that unzips to more than a past report could hold, without opening it', async () => {
    const huge = 'x'.repeat(32_000);
    const rows = Array.from({ length: 700 }, (_, i) => [`${i} ${huge}`]);
    const { decide } = await when(await workbook(CYCLE, rows));
    expect(problemsOf(decide)).toEqual([': unzips to more than a past report could hold (20 MB)']);
  });

  it('refuses a file that is a zip but not a workbook', async () => {
    const notABook = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(60)]);
    expect(problemsOf((await when(notABook)).decide)).toEqual([
      ': is not a spreadsheet this service can read (XLSX)',
    ]);
  });

  it('names columns as a spreadsheet does', () => {
    expect([1, 26, 27, 52, 703].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'AZ', 'AAA']);
  });
});
