import { ReturnTable } from '../return/return-content.js';
import { tableDiff } from './table-diff.js';

const neet: ReturnTable = {
  caption: 'NEET by district',
  header: ['District', 'Mar 2019', 'Mar 2020'],
  rows: [
    ['Sevenoaks', '2.1%', '1.9%'],
    ['Tonbridge', '2.4%', '2.2%'],
  ],
};

describe('tableDiff', () => {
  it('given the same table, marks everything the same', () => {
    const diff = tableDiff(neet, structuredClone(neet));
    expect(diff.mark).toBe('same');
    expect(diff.rows.map((r) => r.mark)).toEqual(['same', 'same']);
  });

  it('given one cell changed, marks that cell changed with what it was, and nothing else', () => {
    const after = { ...neet, rows: [neet.rows[0], ['Tonbridge', '2.4%', '2.0%']] };
    const diff = tableDiff(neet, after);
    expect(diff.mark).toBe('changed');
    expect(diff.rows[0].mark).toBe('same');
    expect(diff.rows[1]).toEqual({
      mark: 'changed',
      cells: [
        { mark: 'same', text: 'Tonbridge' },
        { mark: 'same', text: '2.4%' },
        { mark: 'changed', text: '2.0%', was: '2.2%' },
      ],
    });
  });

  it('given a row put in above another, marks only that row added (rows are matched on their label)', () => {
    const after = { ...neet, rows: [neet.rows[0], ['Edenbridge', '3.0%', '2.8%'], neet.rows[1]] };
    expect(tableDiff(neet, after).rows.map((r) => `${r.mark} ${r.cells[0].text}`)).toEqual([
      'same Sevenoaks',
      'added Edenbridge',
      'same Tonbridge',
    ]);
  });

  it('given a row taken out and a column added, marks the row removed and the new cells added', () => {
    const after = {
      caption: 'NEET by district',
      header: ['District', 'Mar 2019', 'Mar 2020', 'Mar 2021'],
      rows: [['Tonbridge', '2.4%', '2.2%', '2.1%']],
    };
    const diff = tableDiff(neet, after);
    expect(diff.header[3]).toEqual({ mark: 'added', text: 'Mar 2021' });
    expect(diff.rows.map((r) => r.mark)).toEqual(['removed', 'changed']);
    expect(diff.rows[0].cells.every((c) => c.mark === 'removed')).toBe(true);
    expect(diff.rows[1].cells[3]).toEqual({ mark: 'added', text: '2.1%' });
  });

  it('given a caption changed, marks the caption with what it was', () => {
    expect(tableDiff(neet, { ...neet, caption: 'NEET by district, 16 to 18' }).caption).toEqual({
      mark: 'changed',
      text: 'NEET by district, 16 to 18',
      was: 'NEET by district',
    });
  });

  it('given no table on one side, marks the other wholly added or removed', () => {
    const added = tableDiff(null, neet);
    expect(added.mark).toBe('added');
    expect(added.rows.flatMap((r) => r.cells.map((c) => c.mark))).toEqual(Array(6).fill('added'));
    expect(tableDiff(neet, null).rows.every((r) => r.mark === 'removed')).toBe(true);
  });
});
