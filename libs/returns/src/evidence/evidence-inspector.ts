import { Transform, TransformCallback } from 'node:stream';
import { TextDecoder } from 'node:util';
import { fileTypeFromBuffer } from 'file-type';
import { DomainError } from '../../../kernel/src/index.js';
import { cellName, FormulaCell } from './csv-formula-cells.js';
import { CsvFormulaReadings } from './csv-formula-readings.js';
import { COMPOUND_FILE, EVIDENCE_TYPES, EVIDENCE_TYPES_IN_WORDS, OFFICE_PACKAGES } from './evidence-types.js';
import { OfficeRelationships } from './office-relationships.js';

/** How much of the start of a file is held back to sniff: enough for a zip's first entries (docx, xlsx, pptx). */
const HEAD_BYTES = 64 * 1024;

/** The stream names inside an old Office compound file, as its directory stores them (UTF-16LE). */
const COMPOUND_STREAMS: readonly { marker: Buffer; mediaType: string }[] = [
  { marker: Buffer.from('WordDocument', 'utf16le'), mediaType: 'application/msword' },
  { marker: Buffer.from('Workbook', 'utf16le'), mediaType: 'application/vnd.ms-excel' },
];
const LONGEST_MARKER = Math.max(...COMPOUND_STREAMS.map((s) => s.marker.length));

/**
 * The storages an old Word or Excel file keeps its macros in (Word: Macros, Excel: _VBA_PROJECT_CUR, both with
 * a VBA storage inside). Known by their directory entries, not by the bytes alone, so a document whose text
 * says "Macros" is not refused: an entry is 128 bytes at a multiple of 128 after the 512-byte header, its name
 * in UTF-16LE padded with zeros to 64 bytes, then the name's length in bytes with its terminator.
 */
const MACRO_STORAGES = ['Macros', '_VBA_PROJECT_CUR', 'VBA'].map((name) => {
  const entry = Buffer.alloc(66);
  entry.write(name, 'utf16le');
  entry.writeUInt16LE((name.length + 1) * 2, 64);
  return entry;
});
const DIRECTORY_ENTRY = 128;
const COMPOUND_HEADER = 512;

export interface EvidenceSizeLimit {
  maxBytes: number;
  /** Why not, in the words of whichever limit this is (the file's own, or what is left of the return's). */
  refusal: () => DomainError;
}

type Verdict =
  | { kind: 'known'; mediaType: string; office: OfficeRelationships | null }
  | { kind: 'csv'; decoder: TextDecoder; cells: CsvFormulaReadings }
  | { kind: 'compound'; tail: Buffer; found: string | null; entries: Buffer; macros: boolean };

const refuse = (code: string, message: string) => new DomainError(code, message, 'unprocessable', 'file');

/**
 * A reviewer opens evidence in a spreadsheet, which would run the cell: the file is refused, naming the cell, so
 * the agency can save it with values only (or put an apostrophe before the text).
 */
const formulaRefusal = (cell: FormulaCell) =>
  refuse(
    'csv-formula',
    `Cell ${cellName(cell)} of the CSV file starts "${cell.start}", which a spreadsheet would run as a formula: save the file with values only, or start that text with an apostrophe`,
  );

/**
 * Passes an upload through while deciding what it is from its content alone (never its name or declared type)
 * and counting it against the limit. Whatever it refuses it refuses by erroring the stream, so the store that
 * reads it keeps nothing; its verdict is read once the stream has ended.
 *
 * - Most types have a magic number: `file-type` reads it from the first 64 KB.
 * - Old Word and Excel files are both compound files; which one is told by the streams inside (WordDocument,
 *   Workbook), searched for as the bytes go by, so it is still the content that decides.
 * - A docx, xlsx or pptx is a zip: its relationship parts are read as it goes by (OfficeRelationships), and one
 *   that fetches a template, object, frame, subdocument, linked workbook or picture from outside the file when it
 *   is opened is refused, as a macro is.
 * - CSV has no magic number at all, so "it is CSV" cannot be proven, only made harmless: it is taken as
 *   text/csv only when nothing else was recognised, the name ends .csv, and the whole content is valid UTF-8
 *   without NUL, does not open as markup and has no cell a spreadsheet would run as a formula. It is then served
 *   as an attachment like any other file.
 */
export class EvidenceInspector extends Transform {
  private head: Buffer[] = [];
  private headBytes = 0;
  private bytes = 0;
  private verdict: Verdict | null = null;
  private decided: { mediaType: string; extension: string } | null = null;

  constructor(
    private readonly fileName: string,
    private readonly limit: EvidenceSizeLimit,
  ) {
    super();
  }

  /** What the content is, once the stream has ended without error. */
  get inspection(): { mediaType: string; extension: string } {
    if (!this.decided) throw new Error('the upload was not inspected to its end');
    return this.decided;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit.maxBytes) return done(this.limit.refusal());
    if (this.verdict) {
      try {
        this.check(chunk);
      } catch (error) {
        return done(error as Error);
      }
      return done(null, chunk);
    }
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < HEAD_BYTES) return done();
    this.sniffHead().then(() => done(), done);
  }

  override _flush(done: TransformCallback): void {
    (async () => {
      if (this.bytes === 0) throw refuse('file-empty', 'The file is empty');
      if (!this.verdict) await this.sniffHead();
      this.decided = this.finalVerdict();
    })().then(() => done(), done);
  }

  private async sniffHead(): Promise<void> {
    const head = Buffer.concat(this.head, this.headBytes);
    this.head = [];
    const sniffed = await fileTypeFromBuffer(head);
    if (sniffed?.mime === COMPOUND_FILE) {
      this.verdict = {
        kind: 'compound',
        tail: Buffer.alloc(0),
        found: null,
        entries: Buffer.alloc(0),
        macros: false,
      };
    } else if (sniffed && EVIDENCE_TYPES[sniffed.mime]) {
      const office = OFFICE_PACKAGES.has(sniffed.mime) ? new OfficeRelationships() : null;
      this.verdict = { kind: 'known', mediaType: sniffed.mime, office };
    } else if (!sniffed && /\.csv$/i.test(this.fileName)) {
      if (/^(\uFEFF)?\s*</.test(head.subarray(0, 1024).toString('utf8'))) {
        throw refuse('csv-markup', 'The file is named .csv but holds markup (such as HTML), not CSV');
      }
      this.verdict = {
        kind: 'csv',
        decoder: new TextDecoder('utf-8', { fatal: true }),
        cells: new CsvFormulaReadings(),
      };
    } else {
      throw refuse('file-type-refused', `The file must be ${EVIDENCE_TYPES_IN_WORDS}`);
    }
    this.check(head);
    this.push(head);
  }

  private check(chunk: Buffer): void {
    const verdict = this.verdict!;
    if (verdict.kind === 'known') verdict.office?.write(chunk);
    else if (verdict.kind === 'csv') {
      if (chunk.includes(0))
        throw refuse('csv-not-text', 'A CSV file must be text: this one holds NUL bytes');
      let text: string;
      try {
        text = verdict.decoder.decode(chunk, { stream: true });
      } catch {
        throw refuse('csv-not-text', 'A CSV file must be text in UTF-8');
      }
      verdict.cells.write(text);
      if (verdict.cells.found) throw formulaRefusal(verdict.cells.found);
    } else if (verdict.kind === 'compound') {
      if (verdict.found === null) {
        const window = Buffer.concat([verdict.tail, chunk]);
        verdict.found = COMPOUND_STREAMS.find((s) => window.includes(s.marker))?.mediaType ?? null;
        verdict.tail = window.subarray(Math.max(0, window.length - LONGEST_MARKER + 1));
      }
      this.checkForMacros(verdict, chunk);
    }
  }

  /**
   * Whole 128-byte slots, read as directory entries, however the chunks break: the bytes of a slot not yet
   * complete wait for the next chunk. The content has passed this.bytes by the chunk's end.
   */
  private checkForMacros(verdict: Extract<Verdict, { kind: 'compound' }>, chunk: Buffer): void {
    if (verdict.macros) return;
    const pending = Buffer.concat([verdict.entries, chunk]);
    const start = this.bytes - pending.length;
    let at = (DIRECTORY_ENTRY - (start % DIRECTORY_ENTRY)) % DIRECTORY_ENTRY;
    for (; at + DIRECTORY_ENTRY <= pending.length; at += DIRECTORY_ENTRY) {
      if (start + at < COMPOUND_HEADER) continue;
      const slot = pending.subarray(at, at + MACRO_STORAGES[0].length);
      if (MACRO_STORAGES.some((entry) => slot.equals(entry))) {
        verdict.macros = true;
        throw refuse(
          'file-has-macros',
          'The file holds macros, which could run on a reviewer’s computer: save it as a Word or Excel document without macros (docx or xlsx) and upload that',
        );
      }
    }
    verdict.entries = pending.subarray(at);
  }

  private finalVerdict(): { mediaType: string; extension: string } {
    const verdict = this.verdict!;
    let mediaType: string;
    if (verdict.kind === 'known') {
      verdict.office?.end();
      mediaType = verdict.mediaType;
    } else if (verdict.kind === 'csv') {
      let text: string;
      try {
        text = verdict.decoder.decode();
      } catch {
        throw refuse('csv-not-text', 'A CSV file must be text in UTF-8');
      }
      verdict.cells.write(text);
      const formula = verdict.cells.end();
      if (formula) throw formulaRefusal(formula);
      mediaType = 'text/csv';
    } else if (verdict.found) mediaType = verdict.found;
    else throw refuse('file-type-refused', `The file must be ${EVIDENCE_TYPES_IN_WORDS}`);
    return { mediaType, extension: EVIDENCE_TYPES[mediaType] };
  }
}
