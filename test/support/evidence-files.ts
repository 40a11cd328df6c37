import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument } from 'pdf-lib';

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
