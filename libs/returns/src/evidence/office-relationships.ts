import { inflateRawSync } from 'node:zlib';
import { DomainError } from '../../../kernel/src/index.js';

/**
 * The most the check reads of a document's package: entries in its zip, relationship parts, bytes of those parts
 * held as they go by (compressed), and bytes they may unzip to. A docx, xlsx or pptx has tens to a few thousand
 * entries and relationship parts of a few KB; past these the file is refused rather than read (a zip bomb).
 */
export const OFFICE_LIMITS = Object.freeze({
  entries: 20_000,
  relationshipParts: 5_000,
  partBytes: 1024 * 1024,
  heldBytes: 8 * 1024 * 1024,
  inflatedPartBytes: 4 * 1024 * 1024,
  inflatedBytes: 32 * 1024 * 1024,
});

/**
 * The relationships Word, Excel and PowerPoint follow as a document opens, by the last part of their type: a
 * remote template (remote template injection), a linked object, frame, subdocument, workbook or picture. Fetched
 * from an address outside the file (TargetMode="External"), such a link runs what the server sends, or makes the
 * reviewer's computer sign in to it (a UNC path, `\\host\share`, leaks their NTLM hash). A hyperlink is followed
 * only when clicked, and is kept.
 */
const FETCHED_ON_OPEN: Readonly<Record<string, string>> = Object.freeze({
  attachedtemplate: 'a template',
  oleobject: 'an embedded object',
  frame: 'a frame',
  subdocument: 'a subdocument',
  externallinkpath: 'a linked workbook',
  externallink: 'a linked workbook',
  image: 'a picture',
});

/** Targets that reach another computer's files: a UNC path, or a file: or smb: address. */
const NETWORK_FILE = /^\s*(?:\\\\|\/\/|(?:file|smb):)/i;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_END = 0x06064b50;
const ZIP64_LOCATOR = 0x07064b50;
const LOCAL_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** The end of central directory record and the longest comment it may carry. */
const END_SEARCH = 22 + 0xffff;
/** The end of the file held, to read the central directory from: the directory itself and its end record. */
const TAIL_BYTES = 2 * 1024 * 1024 + END_SEARCH;
/** A relationship part's name is short; a header with a longer one is not taken as one of them. */
const LONGEST_NAME = 1024;

const refuse = (code: string, message: string) => new DomainError(code, message, 'unprocessable', 'file');
const unreadable = () =>
  refuse(
    'office-file-unreadable',
    'The document’s contents could not be read as a Word, Excel or PowerPoint file: save it again and upload that',
  );
const tooComplex = () =>
  refuse(
    'office-file-too-complex',
    'The document has more parts, or larger ones, than a return’s evidence needs: save a smaller copy and upload that',
  );

const isRelationshipPart = (name: string) => /\.rels[\s\0]*$/i.test(name);

/** A local file header seen as the bytes went by, held with what follows it up to its part's size. */
interface HeldPart {
  offset: number;
  /** Written with a data descriptor: its size comes after its data, so it is held until the next entry's header. */
  sizedAfter: boolean;
  chunks: Buffer[];
  held: number;
  wanted: number;
}

/** One entry of the central directory: the zip's own list of its parts, which readers such as Word go by. */
interface DirectoryEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  localOffset: number;
}

/**
 * Reads, as an Office document (docx, xlsx, pptx) streams by, the relationship parts (`*.rels`) of its zip, and
 * refuses one that names an external target the program would fetch on opening (FETCHED_ON_OPEN, or any
 * non-hyperlink external target on a network path). The file is never held whole: a relationship part's bytes are
 * kept when its local header goes by (the header's signature is looked for everywhere, so a part hidden inside
 * another's data is kept too), and the end of the file, where the central directory is. At the end the directory
 * decides which parts are relationship parts; one of those whose bytes were not kept where the directory says it
 * starts is refused as unreadable rather than let through unread. Bounded by OFFICE_LIMITS.
 */
export class OfficeRelationships {
  private offset = 0;
  /** Bytes from the last scan that may start a header: a signature or header split between chunks. */
  private carry = Buffer.alloc(0);
  private held: HeldPart[] = [];
  private heldBytes = 0;
  /** The parts sized after their data whose end is not yet known (see endPartsBefore). */
  private open: HeldPart[] = [];
  private tail: Buffer[] = [];
  private tailBytes = 0;

  write(chunk: Buffer): void {
    for (const part of this.held) this.keep(part, chunk);
    this.scan(chunk);
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    while (this.tail.length > 1 && this.tailBytes - this.tail[0].length >= TAIL_BYTES)
      this.tailBytes -= this.tail.shift()!.length;
    this.offset += chunk.length;
  }

  /** Once the whole file has gone by: throws the refusal, if there is one. */
  end(): void {
    const tail = Buffer.concat(this.tail, this.tailBytes);
    const tailStart = this.offset - tail.length;
    const entries = centralDirectory(tail, tailStart).filter((e) => isRelationshipPart(e.name));
    if (entries.length > OFFICE_LIMITS.relationshipParts) throw tooComplex();
    let inflated = 0;
    for (const entry of entries) {
      const text = this.partText(entry, OFFICE_LIMITS.inflatedBytes - inflated);
      inflated += text.bytes;
      const external = fetchedExternal(text.xml);
      if (external)
        throw refuse(
          'file-has-external-content',
          `The document fetches ${external} from outside itself when it is opened (${printable(entry.name)}), ` +
            'which could run code on a reviewer’s computer or send their sign-in to another server: remove that link, save the document and upload it again',
        );
    }
  }

  private keep(part: HeldPart, chunk: Buffer): void {
    const room = part.wanted - part.held;
    if (room <= 0) return;
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
    part.chunks.push(kept);
    part.held += kept.length;
    this.heldBytes += kept.length;
    if (this.heldBytes > OFFICE_LIMITS.heldBytes) throw tooComplex();
  }

  /**
   * A part whose size comes after its data ends before the next entry's header, at `at` in the file: what was held
   * past it is let go (so a few such parts do not each hold the limit). Should the signature be one inside its
   * data, the part is held too short, and the directory's size for it then refuses the file: never let through.
   */
  private endPartsBefore(at: number): void {
    for (const part of this.open) {
      const end = at - part.offset;
      part.wanted = Math.min(part.wanted, end);
      if (part.held <= end) continue;
      const kept = Buffer.concat(part.chunks, part.held).subarray(0, end);
      this.heldBytes -= part.held - end;
      part.chunks = [kept];
      part.held = end;
    }
    this.open = [];
  }

  /** Looks for local headers of relationship parts in this chunk and the bytes carried from the last. */
  private scan(chunk: Buffer): void {
    const bytes = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    const start = this.offset - this.carry.length;
    let carryFrom = Math.max(0, bytes.length - 3);
    for (let at = bytes.indexOf(LOCAL_SIGNATURE); at >= 0; at = bytes.indexOf(LOCAL_SIGNATURE, at + 1)) {
      if (bytes.length - at < 30) {
        carryFrom = at;
        break;
      }
      this.endPartsBefore(start + at);
      const nameLength = bytes.readUInt16LE(at + 26);
      if (nameLength > LONGEST_NAME) continue;
      if (bytes.length - at < 30 + nameLength) {
        carryFrom = at;
        break;
      }
      const name = bytes.toString('utf8', at + 30, at + 30 + nameLength);
      if (!isRelationshipPart(name)) continue;
      const header = 30 + nameLength + bytes.readUInt16LE(at + 28);
      const flags = bytes.readUInt16LE(at + 6);
      // A part written with a data descriptor gives its size only after its data: held up to the limit, or the
      // next entry's header (endPartsBefore).
      const sizedAfter = (flags & 0x08) !== 0;
      const size = sizedAfter ? OFFICE_LIMITS.partBytes : bytes.readUInt32LE(at + 18);
      const wanted = header + Math.min(size, OFFICE_LIMITS.partBytes);
      if (this.held.length >= OFFICE_LIMITS.relationshipParts) throw tooComplex();
      const part: HeldPart = { offset: start + at, sizedAfter, chunks: [], held: 0, wanted };
      // From its header on, the bytes carried from the last chunk included: it was held by nothing when they came.
      this.keep(part, bytes.subarray(at));
      this.held.push(part);
      if (sizedAfter) this.open.push(part);
    }
    this.carry = Buffer.from(bytes.subarray(carryFrom));
  }

  /** A relationship part as text, from the bytes held at the offset the directory gives. */
  private partText(entry: DirectoryEntry, inflatedRoom: number): { xml: string; bytes: number } {
    const part = this.held.find((p) => p.offset === entry.localOffset);
    if (!part || entry.flags & 0x01) throw unreadable();
    const kept = Buffer.concat(part.chunks, part.held);
    if (kept.length < 30 || kept.readUInt32LE(0) !== LOCAL_HEADER) throw unreadable();
    const dataStart = 30 + kept.readUInt16LE(26) + kept.readUInt16LE(28);
    if (entry.compressedSize > OFFICE_LIMITS.partBytes) throw tooComplex();
    if (kept.length < dataStart + entry.compressedSize) throw unreadable();
    const data = kept.subarray(dataStart, dataStart + entry.compressedSize);
    let raw: Buffer;
    if (entry.method === 0) raw = data;
    else if (entry.method === 8) {
      try {
        raw = inflateRawSync(data, {
          maxOutputLength: Math.max(1, Math.min(OFFICE_LIMITS.inflatedPartBytes, inflatedRoom)),
        });
      } catch (error) {
        throw (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? tooComplex() : unreadable();
      }
    } else throw unreadable();
    if (raw.length > inflatedRoom) throw tooComplex();
    return { xml: xmlText(raw), bytes: raw.length };
  }
}

/** The central directory, read from the end of the file (`tail`, which starts at `tailStart` in the file). */
function centralDirectory(tail: Buffer, tailStart: number): DirectoryEntry[] {
  let end = -1;
  for (let at = tail.length - 22; at >= Math.max(0, tail.length - END_SEARCH); at--) {
    if (tail.readUInt32LE(at) === END_OF_DIRECTORY && at + 22 + tail.readUInt16LE(at + 20) === tail.length) {
      end = at;
      break;
    }
  }
  if (end < 0) throw unreadable();
  let count = tail.readUInt16LE(end + 10);
  let size = tail.readUInt32LE(end + 12);
  let offset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = end - 20;
    if (locator < 0 || tail.readUInt32LE(locator) !== ZIP64_LOCATOR) throw unreadable();
    const record = Number(tail.readBigUInt64LE(locator + 8)) - tailStart;
    if (record < 0 || record + 56 > tail.length || tail.readUInt32LE(record) !== ZIP64_END)
      throw unreadable();
    count = Number(tail.readBigUInt64LE(record + 32));
    size = Number(tail.readBigUInt64LE(record + 40));
    offset = Number(tail.readBigUInt64LE(record + 48));
  }
  if (count > OFFICE_LIMITS.entries) throw tooComplex();
  const first = offset - tailStart;
  if (first < 0) throw tooComplex();
  if (first + size > tail.length) throw unreadable();
  const entries: DirectoryEntry[] = [];
  let at = first;
  for (let i = 0; i < count; i++) {
    if (at + 46 > first + size || tail.readUInt32LE(at) !== CENTRAL_HEADER) throw unreadable();
    const nameLength = tail.readUInt16LE(at + 28);
    const extraLength = tail.readUInt16LE(at + 30);
    const next = at + 46 + nameLength + extraLength + tail.readUInt16LE(at + 32);
    if (next > first + size) throw unreadable();
    const entry: DirectoryEntry = {
      name: tail.toString('utf8', at + 46, at + 46 + nameLength),
      flags: tail.readUInt16LE(at + 8),
      method: tail.readUInt16LE(at + 10),
      compressedSize: tail.readUInt32LE(at + 20),
      localOffset: tail.readUInt32LE(at + 42),
    };
    zip64Sizes(entry, tail, at, tail.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength));
    entries.push(entry);
    at = next;
  }
  return entries;
}

/** An entry's sizes and offset too large for 32 bits are in its zip64 extra field, in this order, when so marked. */
function zip64Sizes(entry: DirectoryEntry, tail: Buffer, at: number, extra: Buffer): void {
  const uncompressedMarked = tail.readUInt32LE(at + 24) === 0xffffffff;
  const compressedMarked = entry.compressedSize === 0xffffffff;
  const offsetMarked = entry.localOffset === 0xffffffff;
  if (!uncompressedMarked && !compressedMarked && !offsetMarked) return;
  for (let field = 0; field + 4 <= extra.length; field += 4 + extra.readUInt16LE(field + 2)) {
    if (extra.readUInt16LE(field) !== 0x0001) continue;
    let value = field + 4;
    const next = () => {
      if (value + 8 > extra.length) throw unreadable();
      const read = Number(extra.readBigUInt64LE(value));
      value += 8;
      return read;
    };
    if (uncompressedMarked) next();
    if (compressedMarked) entry.compressedSize = next();
    if (offsetMarked) entry.localOffset = next();
    return;
  }
  throw unreadable();
}

/** A part's XML as text: UTF-16 when it says so by its byte order mark or its zero bytes, else UTF-8. */
function xmlText(raw: Buffer): string {
  if (raw[0] === 0xff && raw[1] === 0xfe) return raw.toString('utf16le', 2);
  if (raw[0] === 0xfe && raw[1] === 0xff) return Buffer.from(raw.subarray(2)).swap16().toString('utf16le');
  if (raw.length >= 2 && raw.includes(0)) {
    const even = raw.length - (raw.length % 2);
    return raw[0] === 0
      ? Buffer.from(raw.subarray(0, even)).swap16().toString('utf16le')
      : raw.toString('utf16le', 0, even);
  }
  return raw.toString('utf8');
}

/** A Relationship element's start, and the whole element: its attributes read as XML reads them (a `>` may be in a value). */
const RELATIONSHIP_START = /<(?:[\w.-]+:)?Relationship(?=[\s/>])/g;
const RELATIONSHIP = /<(?:[\w.-]+:)?Relationship((?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/g;

/** What the first relationship fetched on opening from outside the document would fetch, in words, if any. */
function fetchedExternal(xml: string): string | null {
  const elements = [...xml.matchAll(RELATIONSHIP)];
  // An element this does not read whole is not let through unread.
  if (elements.length !== [...xml.matchAll(RELATIONSHIP_START)].length) throw unreadable();
  for (const element of elements) {
    const attributes = attributesOf(element[1]);
    if ((attributes.targetmode ?? '').trim().toLowerCase() !== 'external') continue;
    const kind = (attributes.type ?? '').trim().split('/').pop()!.toLowerCase();
    if (kind === 'hyperlink') continue;
    const fetched = FETCHED_ON_OPEN[kind];
    if (fetched) return fetched;
    if (NETWORK_FILE.test(attributes.target ?? '')) return 'a file on another computer';
  }
  return null;
}

/** An element's attributes by their lower-case names, their values with XML's character references read. */
function attributesOf(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [, name, double, single] of text.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
    attributes[name.replace(/^[\w.-]+:/, '').toLowerCase()] = characters(double ?? single);
  return attributes;
}

function characters(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|amp|lt|gt|quot|apos);/gi, (whole, ref: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (ref[0] !== '#') return named[ref.toLowerCase()] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** A part's name as it may be shown: no control characters, and not too long. */
function printable(name: string): string {
  const plain = [...name].map((c) => (/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(c) ? '?' : c)).join('');
  return plain.length > 120 ? `${plain.slice(0, 117)}...` : plain;
}
