import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  compoundFile,
  CSV,
  docxFile,
  GIF,
  HTML,
  JPEG,
  pdfFile,
  PNG,
  POLYGLOT,
  pptxFile,
  SVG,
  WEBP,
  xlsxFile,
} from '../../../../test/support/evidence-files.js';
import { DomainError } from '../../../kernel/src/index.js';
import { EvidenceInspector } from './evidence-inspector.js';

const inspect = async (content: Buffer, fileName: string, maxBytes = 10 * 1024 * 1024) => {
  const inspector = new EvidenceInspector(fileName, {
    maxBytes,
    refusal: () => new DomainError('file-too-large', 'too large', 'unprocessable', 'file'),
  });
  // In small pieces, as a network delivers it: the verdict must not depend on where the chunks break.
  const pieces = Array.from({ length: Math.ceil(content.length / 1000) }, (_, i) =>
    content.subarray(i * 1000, (i + 1) * 1000),
  );
  const passed = await buffer(Readable.from(pieces).pipe(inspector));
  expect(passed.equals(content)).toBe(true);
  return inspector.inspection;
};
const refusal = async (content: Buffer, fileName: string, maxBytes?: number) => {
  try {
    await inspect(content, fileName, maxBytes);
  } catch (error) {
    return { code: (error as DomainError).code, field: (error as DomainError).field };
  }
  throw new Error('not refused');
};

const inspectionError = async (content: Buffer, fileName: string): Promise<string> => {
  try {
    await inspect(content, fileName);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('not refused');
};

describe('what an uploaded file is, decided by its content', () => {
  it('knows each accepted kind by its content, whatever its name says', async () => {
    expect(await inspect(await pdfFile(), 'sheet.bin')).toEqual({
      mediaType: 'application/pdf',
      extension: 'pdf',
    });
    expect((await inspect(await docxFile(), 'a.pdf')).extension).toBe('docx');
    expect((await inspect(await xlsxFile(), 'a')).extension).toBe('xlsx');
    expect((await inspect(await pptxFile(), 'a.pptx')).extension).toBe('pptx');
    expect(await inspect(compoundFile('WordDocument'), 'old.xls')).toEqual({
      mediaType: 'application/msword',
      extension: 'doc',
    });
    expect((await inspect(compoundFile('Workbook'), 'old.doc')).extension).toBe('xls');
    expect((await inspect(PNG, 'photo.jpg')).mediaType).toBe('image/png');
    expect((await inspect(GIF, 'x.gif')).mediaType).toBe('image/gif');
    expect((await inspect(JPEG, 'x.jpeg')).mediaType).toBe('image/jpeg');
    expect((await inspect(WEBP, 'x.webp')).mediaType).toBe('image/webp');
    expect(await inspect(CSV, 'figures.CSV')).toEqual({ mediaType: 'text/csv', extension: 'csv' });
  });

  it('takes a PDF that holds HTML as the PDF its first bytes say it is (served as an attachment)', async () => {
    expect((await inspect(POLYGLOT, 'x.pdf')).mediaType).toBe('application/pdf');
  });

  it('refuses HTML and SVG renamed .pdf, a compound file that is neither Word nor Excel, and unknown bytes', async () => {
    expect(await refusal(HTML, 'report.pdf')).toEqual({ code: 'file-type-refused', field: 'file' });
    expect(await refusal(SVG, 'report.pdf')).toEqual({ code: 'file-type-refused', field: 'file' });
    expect(await refusal(compoundFile('Installer'), 'setup.doc')).toEqual({
      code: 'file-type-refused',
      field: 'file',
    });
    expect(await refusal(Buffer.from('MZ\x90\x00'.repeat(100), 'latin1'), 'a.pdf')).toMatchObject({
      code: 'file-type-refused',
    });
  });

  it('refuses an old Word or Excel file that holds macros, known by their storages in its directory', async () => {
    // A directory entry: the name in UTF-16LE padded to 64 bytes, then its length in bytes with the terminator.
    const withEntries = (type: string, entries: Record<number, string>) => {
      const file = compoundFile(type);
      const out = Buffer.concat([file, Buffer.alloc(8192 - file.length)]);
      for (const [offset, name] of Object.entries(entries)) {
        out.write(name, Number(offset), 'utf16le');
        out.writeUInt16LE((name.length + 1) * 2, Number(offset) + 64);
      }
      return out;
    };
    const macros = { code: 'file-has-macros', field: 'file' };
    // 3,968 is a slot the test's 1,000-byte pieces cut between the name and its length.
    expect(await refusal(withEntries('WordDocument', { 3968: 'Macros' }), 'minutes.doc')).toEqual(macros);
    expect(await refusal(withEntries('Workbook', { 6144: '_VBA_PROJECT_CUR' }), 'figures.xls')).toEqual(
      macros,
    );
    expect(await refusal(withEntries('WordDocument', { 7936: 'VBA' }), 'minutes.doc')).toEqual(macros);
    // The word in a document's text, or a name out of a slot, is not a macro storage.
    const mentions = withEntries('WordDocument', { 3970: 'Macros' });
    Buffer.from('Macros\0', 'utf16le').copy(mentions, 5000);
    expect(await inspect(mentions, 'minutes.doc')).toEqual({
      mediaType: 'application/msword',
      extension: 'doc',
    });
  });

  it('takes CSV only by a .csv name with UTF-8 text throughout: no NUL, no broken bytes, no markup', async () => {
    expect(await refusal(CSV, 'figures.txt')).toMatchObject({ code: 'file-type-refused' });
    expect(await refusal(HTML, 'figures.csv')).toMatchObject({ code: 'csv-markup' });
    const late = (tail: Buffer) => Buffer.concat([Buffer.from('a,b\n'.repeat(30_000)), tail]);
    expect(await refusal(late(Buffer.from([0x00])), 'f.csv')).toMatchObject({ code: 'csv-not-text' });
    expect(await refusal(late(Buffer.from([0xc3, 0x28])), 'f.csv')).toMatchObject({ code: 'csv-not-text' });
    expect(await refusal(late(Buffer.from([0xe2, 0x82])), 'f.csv')).toMatchObject({ code: 'csv-not-text' });
  });

  it('refuses a CSV with a cell a spreadsheet would run as a formula, naming the cell, early or late', async () => {
    const formula = await refusal(
      Buffer.from('Measure,Figure\nS1,"=HYPERLINK(""http://x.example"")"\n'),
      'f.csv',
    );
    expect(formula).toMatchObject({ code: 'csv-formula', field: 'file' });
    const late = Buffer.from(`${'a,-1\n'.repeat(30_000)}b,@SUM(A1)`);
    expect(await inspectionError(late, 'f.csv')).toMatch(/^Cell B30001 of the CSV file starts "@SUM\(A1\)"/);
  });

  it.each([
    ['a leading space', ' =1+1'],
    ['a leading tab', '\t=1+1'],
    ['a leading line break', '"\n=1+1"'],
    ['a full-width =', '\uff1d1+1'],
    ['a byte order mark', '\ufeff=1+1'],
    // LibreOffice opens the quote after the blank: the cell is =1+1 there.
    ['a blank and a quote', ' "=1+1"'],
  ])('refuses a CSV cell with %s before the formula, naming the cell', async (_what, cell) => {
    const csv = Buffer.from(`Measure,Figure\nS1,-5\nS2,${cell}\n`);
    expect(await refusal(csv, 'f.csv')).toMatchObject({ code: 'csv-formula', field: 'file' });
    expect(await inspectionError(csv, 'f.csv')).toMatch(/^Cell B3 of the CSV file starts "/);
  });

  it('refuses a formula cell of the separator a first sep= line declares, as Excel splits the file', async () => {
    // A byte order mark first, as a spreadsheet saves one: the declaration is still the first line.
    const csv = Buffer.from('\ufeffsep=;\r\nMeasure;Figure\r\nS1;=HYPERLINK("http://x.example","click")\r\n');
    expect(await refusal(csv, 'f.csv')).toMatchObject({ code: 'csv-formula', field: 'file' });
    expect(await inspectionError(csv, 'f.csv')).toMatch(/^Cell B3 of the CSV file starts "=HYPERLINK/);
    const declaredOnly = Buffer.from('sep=;\r\nMeasure;Figure;Note\r\nS1;-5;"a; b"\r\n');
    expect(await inspect(declaredOnly, 'f.csv')).toEqual({ mediaType: 'text/csv', extension: 'csv' });
  });

  it('refuses an empty file, and one over the limit as soon as it goes over', async () => {
    expect(await refusal(Buffer.alloc(0), 'a.pdf')).toEqual({ code: 'file-empty', field: 'file' });
    expect(await refusal(await pdfFile(), 'a.pdf', 100)).toEqual({ code: 'file-too-large', field: 'file' });
  });
});
