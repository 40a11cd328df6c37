import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { CaseStudy, ReturnContent, ReturnTable, ReturnContentDto } from '../../returns/src/index.js';

/** The return form as posted by a browser: plain fields, repeated fields for tables and case studies. */
export type ReturnFormBody = Record<string, string | string[] | undefined>;

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const cells = (line: string) => line.split('|').map((c) => c.trim());

/**
 * Reads the form into return content. A table is written as lines, cells separated by "|", the first line its
 * header; a case study's sections start with "## heading" lines. Blank table or case study slots are dropped.
 */
export function contentFromForm(body: ReturnFormBody): ReturnContent {
  const captions = list(body.tableCaption);
  const tableTexts = list(body.tableRows);
  const tables: ReturnTable[] = tableTexts
    .map((text, i) => {
      const lines = text
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean);
      return {
        caption: (captions[i] ?? '').trim(),
        header: lines[0] ? cells(lines[0]) : [],
        rows: lines.slice(1).map(cells),
      };
    })
    .filter((t) => t.caption || t.header.length > 0);
  const titles = list(body.caseTitle);
  const agencies = list(body.caseAgency);
  const bodies = list(body.caseBody);
  const caseStudies: CaseStudy[] = titles
    .map((title, i) => ({
      title: title.trim(),
      agency: (agencies[i] ?? '').trim(),
      sections: sectionsOf(bodies[i] ?? ''),
    }))
    .filter((c) => c.title || c.sections.length > 0);
  const text = (name: string) => {
    const value = list(body[name])[0]?.trim();
    return value ? value : null;
  };
  return {
    rag: text('rag') as ReturnContent['rag'],
    narrative: text('narrative'),
    dot: text('dot') as ReturnContent['dot'],
    comments: text('comments'),
    tables,
    caseStudies,
  };
}

function sectionsOf(text: string): CaseStudy['sections'] {
  const sections: CaseStudy['sections'] = [];
  for (const line of text.split(/\r?\n/)) {
    const heading = /^##\s+(.*)$/.exec(line);
    if (heading) sections.push({ heading: heading[1].trim(), body: '' });
    else if (sections.length === 0 && line.trim()) sections.push({ heading: 'Summary', body: line });
    else if (sections.length > 0)
      sections[sections.length - 1].body += `${sections[sections.length - 1].body ? '\n' : ''}${line}`;
  }
  return sections.map((s) => ({ heading: s.heading, body: s.body.trim() }));
}

/** The table editor's text for a stored table: the inverse of contentFromForm. */
export function tableText(table: ReturnTable): string {
  return [table.header, ...table.rows].map((row) => row.join(' | ')).join('\n');
}

export function caseStudyText(caseStudy: CaseStudy): string {
  return caseStudy.sections.map((s) => `## ${s.heading}\n${s.body}`).join('\n\n');
}

/** The same rules as the JSON API, as a list of { field, message } for the error summary. */
export async function formErrors(content: ReturnContent): Promise<{ field: string; message: string }[]> {
  const errors = await validate(plainToInstance(ReturnContentDto, content));
  const flatten = (list: ValidationError[], parent = ''): { field: string; message: string }[] =>
    list.flatMap((e) => {
      const field = parent ? `${parent}.${e.property}` : e.property;
      return [
        ...Object.values(e.constraints ?? {}).map((message) => ({ field, message })),
        ...flatten(e.children ?? [], field),
      ];
    });
  return flatten(errors);
}

/** The version a page form was rendered at (its hidden "version" field), for If-Match-style checks. */
export function formVersion(raw: unknown): number | undefined {
  const version = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(version) ? version : undefined;
}
