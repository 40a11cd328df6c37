import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument } from 'pdf-lib';
import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Real files of every kind a return may hold, made here rather than checked in, and the hostile ones: what the
 * evidence tests upload. Test-only.
 */
export async function pdfFile(text = 'Action plan monitoring sheet'): Promise<Buffer> {
  const pdf = await PDFDocument.create();
  pdf.addPage().drawText(text);
  return Buffer.from(await pdf.save());
}

export async function docxFile(): Promise<Buffer> {
  const doc = new Document({ sections: [{ children: [new Paragraph('Survey results')] }] });
  return Packer.toBuffer(doc);
}

export async function xlsxFile(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.addWorksheet('Figures').addRow(['District', 'NEET']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

/** The smallest PowerPoint file `file-type` knows by its content types. */
export async function pptxFile(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
  );
  zip.file('ppt/presentation.xml', '<p:presentation/>');
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** An old-style compound file holding a stream of the given name (WordDocument: .doc, Workbook: .xls). */
export function compoundFile(streamName: string): Buffer {
  const file = Buffer.alloc(4096);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(file, 0);
  Buffer.from(streamName, 'utf16le').copy(file, 1024);
  return file;
}

/** A 1x1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
export const GIF = Buffer.from('R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');
export const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 1)]);
export const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([0x24, 0, 0, 0]),
  Buffer.from('WEBPVP8 '),
  Buffer.alloc(40, 0),
]);
export const CSV = Buffer.from('District,NEET %\nSevenoaks,2.1\nSwanley,3.4\n', 'utf8');
export const HTML = Buffer.from(
  '<!doctype html><html><body><script>alert(document.cookie)</script></body></html>',
);
export const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
);
/** A PDF by its first bytes that holds an HTML page after them. */
export const POLYGLOT = Buffer.concat([Buffer.from('%PDF-1.4\n'), HTML]);

/** One part of a zip written by officeZip: its name, its bytes, and how it is stored. */
export interface ZipPart {
  name: string;
  content: Buffer | string;
  /** Deflated unless stored (0). */
  method?: 0 | 8;
  /** The name its local header gives, when it is to differ from the central directory's (a crafted zip). */
  localName?: string;
}

/**
 * A zip written byte by byte, as an Office document is one: each part's local header and data, then the central
 * directory and its end record. `dataDescriptor` writes sizes after the data, as streaming writers (exceljs) do.
 */
export function officeZip(parts: ZipPart[], { dataDescriptor = false } = {}): Buffer {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const part of parts) {
    const raw = Buffer.from(part.content);
    const method = part.method ?? 8;
    const data = method === 8 ? deflateRawSync(raw) : raw;
    const crc = crc32(raw);
    const name = Buffer.from(part.name);
    const localName = Buffer.from(part.localName ?? part.name);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(dataDescriptor ? 0x08 : 0, 6);
    header.writeUInt16LE(method, 8);
    header.writeUInt32LE(dataDescriptor ? 0 : crc, 14);
    header.writeUInt32LE(dataDescriptor ? 0 : data.length, 18);
    header.writeUInt32LE(dataDescriptor ? 0 : raw.length, 22);
    header.writeUInt16LE(localName.length, 26);
    const descriptor = Buffer.alloc(dataDescriptor ? 16 : 0);
    if (dataDescriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(data.length, 8);
      descriptor.writeUInt32LE(raw.length, 12);
    }
    local.push(header, localName, data, descriptor);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(dataDescriptor ? 0x08 : 0, 8);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(raw.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    central.push(entry, name);
    offset += 30 + localName.length + data.length + descriptor.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...local, directory, end]);
}

const RELATIONSHIPS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';

/** A relationship of the given type (the last part of its URI) to `target`, External unless told. */
export function relationship(
  type: string,
  target: string,
  mode: 'External' | 'Internal' | null = 'External',
) {
  const targetMode = mode ? ` TargetMode="${mode}"` : '';
  return `<Relationship Id="rId${type.length}" Type="${RELATIONSHIPS}/${type}" Target="${target}"${targetMode}/>`;
}

/** A relationships part holding these relationships. */
export const relationshipsPart = (...relationships: string[]) =>
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
  relationships.join('') +
  '</Relationships>';

/**
 * The smallest Word document `file-type` knows as docx, with `settings.xml.rels` (where Word keeps the attached
 * template) as given, and any other parts.
 */
export function docxWithSettings(
  settingsRelationships: string,
  more: ZipPart[] = [],
  dataDescriptor = false,
) {
  return officeZip(
    [
      {
        name: '[Content_Types].xml',
        content:
          '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      },
      {
        name: '_rels/.rels',
        content: relationshipsPart(relationship('officeDocument', 'word/document.xml', null)),
      },
      {
        name: 'word/document.xml',
        content: `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Survey results</w:t></w:r></w:p></w:body></w:document>`,
      },
      {
        name: 'word/_rels/document.xml.rels',
        content: relationshipsPart(relationship('settings', 'settings.xml', null)),
      },
      {
        name: 'word/settings.xml',
        content: '<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>',
      },
      { name: 'word/_rels/settings.xml.rels', content: settingsRelationships },
      ...more,
    ],
    { dataDescriptor },
  );
}
