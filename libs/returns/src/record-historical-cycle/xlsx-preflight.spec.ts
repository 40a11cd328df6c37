import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import { readReturnsWorkbook } from '../spreadsheet-drafts/read-returns-workbook.js';
import { writeReturnsWorkbook } from '../spreadsheet-drafts/write-returns-workbook.js';
import { readReportXlsx } from './read-report-xlsx.js';

// An untrusted workbook is unzipped and its merged cells counted before exceljs sees it (as a security probe
// found: 20,000 merges blocked the api for 25 s, one merge of a million rows exhausted its heap, and a part
// declared as 1,000 bytes inflated to 1,000 MB).

const SHEET = 'xl/worksheets/sheet1.xml';

/** The service's own returns workbook, as a lead downloads it. */
const downloaded = () =>
  writeReturnsWorkbook([
    {
      returnId: 'y1.S1',
      version: 3,
      measureRef: 'S1',
      measureText: 'Measure one',
      content: { narrative: 'Begun well', rag: 'green' },
      indicators: [],
      lastCycle: null,
    },
  ]);

/** The downloaded workbook with merges written into its sheet after its cells, as a spreadsheet program would. */
async function withMerges(refs: string[]): Promise<Buffer> {
  const zip = await JSZip.loadAsync(await downloaded());
  const xml = await zip.file(SHEET)!.async('string');
  const merges = `<mergeCells count="${refs.length}">${refs.map((r) => `<mergeCell ref="${r}"/>`).join('')}</mergeCells>`;
  zip.file(SHEET, xml.replace('</sheetData>', `</sheetData>${merges}`));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** Counts the workbooks exceljs is asked to open while `act` runs. */
async function opened(act: () => Promise<unknown>): Promise<number> {
  const load = jest.spyOn(ExcelJS.Workbook.prototype, 'xlsx', 'get');
  try {
    await act();
    return load.mock.calls.length;
  } finally {
    load.mockRestore();
  }
}

describe('an untrusted workbook, before exceljs opens it', () => {
  it('refuses more cells, distinct texts or cell styles than a workbook of ours could need, unopened', async () => {
    const zip = await JSZip.loadAsync(await downloaded());
    const xml = await zip.file(SHEET)!.async('string');
    // 250,000 cells of one row each (a million took exceljs 4.5 s and 690 MB): about 6 MB unzipped.
    const rows = Array.from({ length: 2_500 }, (_, r) => {
      const cells = Array.from({ length: 100 }, (_, c) => `<c r="X${r + 600}" t="n"><v>${c}</v></c>`).join(
        '',
      );
      return `<row r="${r + 600}">${cells}</row>`;
    }).join('');
    zip.file(SHEET, xml.replace('</sheetData>', `${rows}</sheetData>`));
    const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    let read: unknown;
    expect(await opened(async () => (read = await readReturnsWorkbook(bytes)))).toBe(0);
    expect(read).toEqual({ unreadable: expect.stringContaining('must have at most 200,000 cells') });
    // The workbook a lead downloads passes.
    const own = await downloaded();
    expect(await opened(() => readReturnsWorkbook(own))).toBe(1);
  });

  it('refuses 20,000 merged ranges at once, without exceljs comparing each with every other', async () => {
    const bytes = await withMerges(Array.from({ length: 20_000 }, (_, i) => `A${1000 + i}:B${1000 + i}`));
    const started = Date.now();
    let read: unknown;
    expect(await opened(async () => (read = await readReturnsWorkbook(bytes)))).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(read).toEqual({
      unreadable: expect.stringContaining('must have at most 1,000 merged cells'),
    });
    let file: Awaited<ReturnType<typeof readReportXlsx>> | undefined;
    expect(await opened(async () => (file = await readReportXlsx(bytes)))).toBe(0);
    expect(file!.problems).toEqual([
      { at: { pointer: '' }, message: expect.stringContaining('must have at most 1,000 merged cells') },
    ]);
  });

  it('refuses one merge of a million rows without making its cells', async () => {
    const bytes = await withMerges(['A1000:XFD1048999']);
    const heap = process.memoryUsage().heapUsed;
    let read: unknown;
    expect(await opened(async () => (read = await readReturnsWorkbook(bytes)))).toBe(0);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(50_000_000);
    expect(read).toEqual({ unreadable: expect.stringContaining('must cover at most 50,000 cells') });
    // Written with character references, as an XML parser reads them.
    const hidden = await withMerges(['&#65;1:&#x58;FD1048576']);
    expect(await readReturnsWorkbook(hidden)).toEqual({
      unreadable: expect.stringContaining('must cover at most 50,000 cells'),
    });
    const unreadable = await withMerges(['A1:B2 C3:D4']);
    expect(await readReturnsWorkbook(unreadable)).toEqual({
      unreadable: expect.stringContaining('could not be opened'),
    });
  });

  it('reads a workbook with a few small merges as before', async () => {
    const bytes = await withMerges(['M1:N1', 'M2:N3']);
    let read: unknown;
    expect(await opened(async () => (read = await readReturnsWorkbook(bytes)))).toBe(1);
    expect(read).toMatchObject({
      problems: [],
      rows: [{ cells: { 'Return id': 'y1.S1', Progress: 'Begun well' } }],
    });
  });

  it('refuses a part that inflates to more than its zip declares, inflating no more than the limit', async () => {
    // 200 MB of an XML comment, deflated as it is written (never held whole), declared as 1,000 bytes.
    const deflate = createDeflateRaw();
    const packed: Buffer[] = [];
    deflate.on('data', (chunk: Buffer) => packed.push(chunk));
    const done = new Promise((resolve) => deflate.on('end', resolve));
    const spaces = Buffer.alloc(1_000_000, 0x20);
    deflate.write('<!--');
    for (let i = 0; i < 200; i += 1)
      if (!deflate.write(spaces)) await new Promise((resolve) => deflate.once('drain', resolve));
    deflate.end('-->');
    await done;
    const bytes = await lyingZip(await downloaded(), 'xl/theme/theme1.xml', Buffer.concat(packed), 1_000);
    expect(bytes.length).toBeLessThan(1_000_000);
    const before = process.memoryUsage();
    let read: unknown;
    expect(await opened(async () => (read = await readReturnsWorkbook(bytes)))).toBe(0);
    const after = process.memoryUsage();
    expect(read).toEqual({ unreadable: expect.stringContaining('unzips to far more than') });
    expect(after.rss - before.rss).toBeLessThan(100_000_000);
    expect(after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers).toBeLessThan(
      100_000_000,
    );
    expect((await readReportXlsx(bytes)).problems).toEqual([
      { at: { pointer: '' }, message: 'unzips to more than a past report could hold (20 MB)' },
    ]);
  });

  it('refuses a part whose real size is not the one declared', async () => {
    const theme = Buffer.from('<a:theme/>');
    const bytes = await lyingZip(await downloaded(), 'xl/theme/theme1.xml', deflateRawSync(theme), 1_000);
    expect(await readReturnsWorkbook(bytes)).toEqual({
      unreadable: expect.stringContaining('could not be opened'),
    });
  });
});

/**
 * The workbook's parts zipped again by hand, deflated, with one part's compressed bytes given and its
 * uncompressed size declared as `declared` in both its headers.
 */
async function lyingZip(workbook: Buffer, name: string, packed: Buffer, declared: number): Promise<Buffer> {
  const zip = await JSZip.loadAsync(workbook);
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir);
  for (const part of names) {
    const data = part === name ? null : await zip.file(part)!.async('nodebuffer');
    const body = data ? deflateRawSync(data) : packed;
    const size = data ? data.length : declared;
    const fileName = Buffer.from(part);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(fileName.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(8, 10);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(size, 24);
    entry.writeUInt16LE(fileName.length, 28);
    entry.writeUInt32LE(offset, 42);
    chunks.push(local, fileName, body);
    central.push(entry, fileName);
    offset += 30 + fileName.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(names.length, 8);
  end.writeUInt16LE(names.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, directory, end]);
}
