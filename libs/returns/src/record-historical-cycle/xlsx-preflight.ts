import { crc32, inflateRawSync } from 'node:zlib';

/** The most a workbook may hold once unzipped, every part together: a real one is well under a megabyte. */
export const XLSX_MAX_UNZIPPED_BYTES = 20_000_000;
const XLSX_MAX_PARTS = 500;
/**
 * The most merged ranges a workbook may have, and the most cells they may cover together. The service's own
 * returns workbook has none; a council's report merges a few headings. exceljs compares each merge with every
 * earlier one (20,000 merges blocked the process for 25 s) and makes every cell of a merged range (one range of
 * a million rows exhausted the heap), so both are counted before exceljs is given the file.
 */
export const XLSX_MAX_MERGES = 1_000;
export const XLSX_MAX_MERGED_CELLS = 50_000;
/**
 * The most cells, distinct texts (shared strings) and cell styles a workbook may have. A returns workbook holds
 * a few thousand cells (500 rows at most), a past report a few tens of thousands; a million cells within the
 * 20 MB took exceljs 4.5 s and 690 MB, for any agency lead's upload.
 */
export const XLSX_MAX_CELLS = 200_000;
export const XLSX_MAX_SHARED_STRINGS = 200_000;
export const XLSX_MAX_STYLES = 10_000;

/** Why a workbook is refused before it is opened. */
export type XlsxRefusal =
  'too-large' | 'unreadable' | 'too-many-merges' | 'merges-too-large' | 'too-many-cells';

/**
 * Reads an untrusted workbook's zip with bounded time and memory whatever it holds, before exceljs sees it: every
 * part is inflated with a running count of the bytes it really gives (a zip may under-declare them), stopping as
 * soon as all of them together pass XLSX_MAX_UNZIPPED_BYTES; merged cells are counted in the XML so inflated. A
 * workbook passing is given back as a new zip of those same parts, stored rather than compressed, so what exceljs
 * unzips is exactly what was counted.
 */
export function preflightXlsx(bytes: Buffer): { bytes: Buffer } | { refused: XlsxRefusal } {
  const parts = zipParts(bytes);
  if ('refused' in parts) return parts;
  const merges = mergesIn(parts.map((p) => p.data));
  if (merges !== undefined) return { refused: merges };
  if (tooManyCells(parts.map((p) => p.data))) return { refused: 'too-many-cells' };
  return { bytes: storedZip(parts) };
}

interface Part {
  name: Buffer;
  utf8: boolean;
  data: Buffer;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function zipParts(bytes: Buffer): Part[] | { refused: XlsxRefusal } {
  const unreadable = { refused: 'unreadable' as const };
  const end = endOfCentralDirectory(bytes);
  if (end < 0) return unreadable;
  const count = bytes.readUInt16LE(end + 10);
  const offset = bytes.readUInt32LE(end + 16);
  if (bytes.readUInt16LE(end + 4) !== 0 || bytes.readUInt16LE(end + 6) !== 0) return unreadable; // split zips
  if (count === 0xffff || offset === 0xffffffff) return unreadable; // zip64: no workbook of ours needs it
  if (count > XLSX_MAX_PARTS) return { refused: 'too-large' };
  // The sizes the zip declares first, so an honest bomb is refused with nothing inflated.
  const entries: {
    name: Buffer;
    utf8: boolean;
    method: number;
    packed: number;
    size: number;
    local: number;
  }[] = [];
  let declared = 0;
  for (let at = offset, i = 0; i < count; i += 1) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) return unreadable;
    const flags = bytes.readUInt16LE(at + 8);
    const nameLength = bytes.readUInt16LE(at + 28);
    if (at + 46 + nameLength > bytes.length || flags & 1) return unreadable; // encrypted
    const size = bytes.readUInt32LE(at + 24);
    declared += size;
    if (declared > XLSX_MAX_UNZIPPED_BYTES) return { refused: 'too-large' };
    entries.push({
      name: bytes.subarray(at + 46, at + 46 + nameLength),
      utf8: (flags & 0x800) !== 0,
      method: bytes.readUInt16LE(at + 10),
      packed: bytes.readUInt32LE(at + 20),
      size,
      local: bytes.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  const names = new Set(entries.map((e) => e.name.toString('latin1')));
  if (names.size !== entries.length) return unreadable; // one name twice: which one is read cannot be told
  // Then what they really hold, never more than what is left of the limit.
  const parts: Part[] = [];
  let left = XLSX_MAX_UNZIPPED_BYTES;
  for (const entry of entries) {
    const at = entry.local;
    if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL) return unreadable;
    const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
    if (start + entry.packed > bytes.length) return unreadable;
    const packed = bytes.subarray(start, start + entry.packed);
    let data: Buffer;
    if (entry.method === 0) data = packed;
    else if (entry.method === 8) {
      try {
        // Node stops inflating as soon as the output passes maxOutputLength, and throws ERR_BUFFER_TOO_LARGE.
        data = inflateRawSync(packed, { maxOutputLength: Math.max(left, 1) });
      } catch (error) {
        return (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE'
          ? { refused: 'too-large' }
          : unreadable;
      }
    } else return unreadable;
    if (data.length > left) return { refused: 'too-large' };
    if (data.length !== entry.size) return unreadable; // a zip that lies about a part's size is no workbook
    left -= data.length;
    parts.push({ name: entry.name, utf8: entry.utf8, data });
  }
  return parts;
}

function endOfCentralDirectory(bytes: Buffer): number {
  for (let at = bytes.length - 22; at >= 0 && at >= bytes.length - 22 - 0xffff; at -= 1)
    if (bytes.readUInt32LE(at) === EOCD) return at;
  return -1;
}

const MERGE = /<(?:[A-Za-z_][\w.-]*:)?mergeCell(?=[\s/>])([^>]*)>/g;
const REF = /(?:^|\s)ref\s*=\s*(?:"([^"]*)"|'([^']*)')/;
const RANGE = /^\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?$/i;

/**
 * Whether the merged cells of the workbook's parts are more than a workbook of ours could need: every
 * `<mergeCell>` of any part (wherever a part is, since exceljs finds worksheets by a pattern in their names),
 * whose `ref` must be a plain range. Undefined when they are few and small enough.
 */
function mergesIn(datas: Buffer[]): XlsxRefusal | undefined {
  let merges = 0;
  let cells = 0;
  for (const data of datas) {
    if (data.indexOf('mergeCell') < 0) continue;
    for (const [, attributes] of data.toString('utf8').matchAll(MERGE)) {
      merges += 1;
      if (merges > XLSX_MAX_MERGES) return 'too-many-merges';
      const [, double, single] = REF.exec(attributes) ?? [];
      const range = RANGE.exec(xmlText(double ?? single ?? ''));
      if (!range) return 'unreadable';
      const [, fromColumn, fromRow, toColumn = fromColumn, toRow = fromRow] = range;
      const rows = Math.abs(Number(toRow) - Number(fromRow)) + 1;
      const columns = Math.abs(columnNumber(toColumn) - columnNumber(fromColumn)) + 1;
      cells += rows * columns;
      if (cells > XLSX_MAX_MERGED_CELLS) return 'merges-too-large';
    }
  }
  return undefined;
}

/** Element starts of any namespace prefix: a cell `<c`, a shared string `<si`, a cell style `<xf`. */
const ELEMENTS = {
  cells: { pattern: /<(?:[A-Za-z_][\w.-]*:)?c[\s/>]/g, most: XLSX_MAX_CELLS },
  strings: { pattern: /<(?:[A-Za-z_][\w.-]*:)?si[\s/>]/g, most: XLSX_MAX_SHARED_STRINGS },
  styles: { pattern: /<(?:[A-Za-z_][\w.-]*:)?xf[\s/>]/g, most: XLSX_MAX_STYLES },
};

/** Whether the parts hold more cells, shared strings or cell styles than a workbook of ours could need. */
function tooManyCells(datas: Buffer[]): boolean {
  for (const { pattern, most } of Object.values(ELEMENTS)) {
    let found = 0;
    for (const data of datas) {
      for (const _ of data.toString('latin1').matchAll(pattern)) if (++found > most) return true;
    }
  }
  return false;
}

/** An attribute's text as an XML parser reads it: character and the five named references replaced. */
function xmlText(raw: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return raw.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return named[name] ?? whole;
    const code =
      name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const columnNumber = (letters: string) =>
  [...letters.toUpperCase()].reduce((n, letter) => n * 26 + letter.charCodeAt(0) - 64, 0);

/** A zip of the parts as they are, stored (not compressed), for exceljs to open. */
function storedZip(parts: Part[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, utf8, data } of parts) {
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(utf8 ? 0x800 : 0, 6);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(utf8 ? 0x800 : 0, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += 30 + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(EOCD, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
