import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { withLineFeeds } from '../../kernel/src/index.js';
import { CaseStudy, ReturnContent, ReturnTable, ReturnContentDto } from '../../returns/src/index.js';
import { errorInWords, FormError } from './return-form-words.js';
import { formText, FormValue } from './form-fields.js';

/**
 * The return form as posted by a browser. Every field has its own flat name (urlencoded bodies are parsed
 * without nesting here): `table-0-caption`, `table-0-head-1`, `table-0-row-2-cell-1`, `case-0-title`,
 * `case-0-section-1-body`, and so on.
 */
export type ReturnFormBody = Record<string, FormValue>;

/** The steps of the form, in order; each saves its own part of the return as a draft. */
export const STEPS = ['rating', 'tables', 'case-studies'] as const;
export type Step = (typeof STEPS)[number];

/** A table as the editor holds it: blank rows and cells are kept while the lead is still typing. */
export type TableDraft = ReturnTable;
export type CaseStudyDraft = CaseStudy;

/** A new table starts with three columns and one row: enough to see how it works, easy to change. */
const NEW_COLUMNS = 3;

/**
 * The first step: RAG rating, narrative, direction of travel and comments, and the reason for a RAG other than
 * the indicators suggest. Empty fields clear the draft's. The indicator values are read by indicatorValuesFromForm.
 */
export function ratingFromForm(
  body: ReturnFormBody,
): Pick<ReturnContent, 'rag' | 'narrative' | 'dot' | 'comments' | 'ragReason'> {
  // A textarea's line breaks come as CRLF: read as LF, so a text's length counts as the page's character
  // count counted it.
  const text = (name: string) => {
    const value = withLineFeeds(formText(body[name])).trim();
    return value ? value : null;
  };
  return {
    rag: text('rag') as ReturnContent['rag'],
    narrative: text('narrative'),
    dot: text('dot') as ReturnContent['dot'],
    comments: text('comments'),
    // Only a measure with indicators has the field: every other draft keeps the shape it had.
    ...(body.ragReason !== undefined ? { ragReason: text('ragReason') } : {}),
  };
}

/** Collects fields named like `prefix-<i>-…` into a sparse list by their first index, in index order. */
function indexed<T>(
  body: ReturnFormBody,
  pattern: RegExp,
  read: (match: RegExpExecArray, value: string, into: T) => void,
  make: () => T,
): T[] {
  const found = new Map<number, T>();
  for (const [name, raw] of Object.entries(body)) {
    const match = pattern.exec(name);
    if (!match) continue;
    const index = Number(match[1]);
    if (!found.has(index)) found.set(index, make());
    // As in ratingFromForm: line breaks read as LF.
    read(match, withLineFeeds(formText(raw)), found.get(index)!);
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
}

function place<T>(list: T[], index: number, value: T, blank: T): void {
  while (list.length < index) list.push(blank);
  list[index] = value;
}

/** The tables as typed, blanks kept, every row as wide as the widest part of its table. */
export function tableDraftsFromForm(body: ReturnFormBody): TableDraft[] {
  const tables = indexed<{ caption: string; header: string[]; rows: string[][] }>(
    body,
    /^table-(\d+)-(caption|head-(\d+)|row-(\d+)-cell-(\d+))$/,
    (m, value, table) => {
      if (m[2] === 'caption') table.caption = value;
      else if (m[3] !== undefined) place(table.header, Number(m[3]), value, '');
      else {
        const row = Number(m[4]);
        while (table.rows.length <= row) table.rows.push([]);
        place(table.rows[row], Number(m[5]), value, '');
      }
    },
    () => ({ caption: '', header: [], rows: [] }),
  );
  return tables.map((t) => {
    const width = Math.max(t.header.length, ...t.rows.map((r) => r.length));
    const pad = (cells: string[]) =>
      [...cells, ...Array<string>(width - cells.length).fill('')].map((c) => c ?? '');
    return { caption: t.caption, header: pad(t.header), rows: t.rows.map((r) => pad(r ?? [])) };
  });
}

/** The case studies as typed, blank sections kept. */
export function caseStudyDraftsFromForm(body: ReturnFormBody): CaseStudyDraft[] {
  return indexed<CaseStudyDraft>(
    body,
    /^case-(\d+)-(title|agency|section-(\d+)-(heading|body))$/,
    (m, value, study) => {
      if (m[2] === 'title') study.title = value;
      else if (m[2] === 'agency') study.agency = value;
      else {
        const index = Number(m[3]);
        while (study.sections.length <= index) study.sections.push({ heading: '', body: '' });
        study.sections[index][m[4] as 'heading' | 'body'] = value;
      }
    },
    () => ({ title: '', agency: '', sections: [] }),
  );
}

const blank = (text: string) => text.trim() === '';

/**
 * What is stored from the table editor: text trimmed, empty rows dropped, columns empty from top to bottom
 * dropped from the right, and a table with nothing in it at all dropped.
 */
export function tablesFromDrafts(drafts: TableDraft[]): ReturnTable[] {
  return drafts.flatMap((draft) => {
    const header = draft.header.map((c) => c.trim());
    const rows = draft.rows.map((r) => r.map((c) => c.trim())).filter((r) => !r.every(blank));
    let width = header.length;
    while (width > 0 && blank(header[width - 1]) && rows.every((r) => blank(r[width - 1] ?? ''))) width--;
    const caption = draft.caption.trim();
    if (!caption && width === 0) return [];
    return [{ caption, header: header.slice(0, width), rows: rows.map((r) => r.slice(0, width)) }];
  });
}

/** What is stored from the case study editor: empty sections and empty case studies dropped. */
export function caseStudiesFromDrafts(drafts: CaseStudyDraft[]): CaseStudy[] {
  return drafts.flatMap((draft) => {
    const sections = draft.sections
      .map((s) => ({ heading: s.heading.trim(), body: s.body.trim() }))
      .filter((s) => s.heading || s.body);
    const title = draft.title.trim();
    const agency = draft.agency.trim();
    return title || agency || sections.length > 0 ? [{ title, agency, sections }] : [];
  });
}

/** The stored tables as the editor shows them: every row as wide as the header, at least one row. */
export function tableDrafts(tables: ReturnTable[] | undefined): TableDraft[] {
  return (tables ?? []).map((t) => {
    const width = Math.max(t.header.length, ...t.rows.map((r) => r.length), 1);
    const pad = (cells: string[]) => [...cells, ...Array<string>(width - cells.length).fill('')];
    const rows = t.rows.map(pad);
    return { caption: t.caption, header: pad(t.header), rows: rows.length ? rows : [pad([])] };
  });
}

export function caseStudyDrafts(studies: CaseStudy[] | undefined): CaseStudyDraft[] {
  return (studies ?? []).map((c) => ({
    title: c.title,
    agency: c.agency,
    sections: c.sections.length ? c.sections.map((s) => ({ ...s })) : [{ heading: '', body: '' }],
  }));
}

/**
 * The buttons that change the shape of a table or a case study (add a row, remove a section...). They are
 * plain form submits, so they work without JavaScript; nothing is saved, the form comes back with the change
 * and everything typed. Returns null for an action that is not one of these (save, continue).
 */
export function editTables(tables: TableDraft[], action: string): TableDraft[] | null {
  const next = tables.map((t) => ({ ...t, header: [...t.header], rows: t.rows.map((r) => [...r]) }));
  const blankRow = (t: TableDraft) => t.header.map(() => '');
  let m: RegExpExecArray | null;
  if (action === 'add-table') {
    const header = Array<string>(NEW_COLUMNS).fill('');
    next.push({ caption: '', header, rows: [[...header]] });
  } else if ((m = /^remove-table-(\d+)$/.exec(action))) next.splice(Number(m[1]), 1);
  else if ((m = /^add-row-(\d+)$/.exec(action)) && next[Number(m[1])]) {
    const t = next[Number(m[1])];
    t.rows.push(blankRow(t));
  } else if ((m = /^remove-row-(\d+)-(\d+)$/.exec(action)) && next[Number(m[1])])
    next[Number(m[1])].rows.splice(Number(m[2]), 1);
  else if ((m = /^add-column-(\d+)$/.exec(action)) && next[Number(m[1])]) {
    const t = next[Number(m[1])];
    t.header.push('');
    t.rows.forEach((r) => r.push(''));
  } else if ((m = /^remove-column-(\d+)$/.exec(action)) && next[Number(m[1])]) {
    // The last column goes: the one a lead most often added by mistake.
    const t = next[Number(m[1])];
    if (t.header.length > 1) {
      t.header.pop();
      t.rows.forEach((r) => r.pop());
    }
  } else return null;
  return next;
}

export function editCaseStudies(studies: CaseStudyDraft[], action: string): CaseStudyDraft[] | null {
  const next = studies.map((c) => ({ ...c, sections: c.sections.map((s) => ({ ...s })) }));
  let m: RegExpExecArray | null;
  if (action === 'add-case-study')
    next.push({ title: '', agency: '', sections: [{ heading: '', body: '' }] });
  else if ((m = /^remove-case-study-(\d+)$/.exec(action))) next.splice(Number(m[1]), 1);
  else if ((m = /^add-section-(\d+)$/.exec(action)) && next[Number(m[1])])
    next[Number(m[1])].sections.push({ heading: '', body: '' });
  else if ((m = /^remove-section-(\d+)-(\d+)$/.exec(action)) && next[Number(m[1])])
    next[Number(m[1])].sections.splice(Number(m[2]), 1);
  else return null;
  return next;
}

/** The same rules as the JSON API, in plain words, each naming the id of the field to fix. */
export async function formErrors(content: ReturnContent): Promise<FormError[]> {
  const errors = await validate(plainToInstance(ReturnContentDto, content));
  const flatten = (list: ValidationError[], parent: string[] = []): FormError[] =>
    list.flatMap((e) => {
      const path = [...parent, e.property];
      return [
        ...Object.keys(e.constraints ?? {}).flatMap((rule) => errorInWords(path, rule, content)),
        ...flatten(e.children ?? [], path),
      ];
    });
  // One sentence once: several rules on one field can say the same thing.
  const seen = new Set<string>();
  return flatten(errors).filter((e) => !seen.has(e.text) && seen.add(e.text));
}

/** The text of a table, one row a line, for a lead to copy when it could not be saved. */
export function tableText(table: ReturnTable): string {
  return [table.header, ...table.rows].map((row) => row.join(' | ')).join('\n');
}

export function caseStudyText(caseStudy: CaseStudy): string {
  return caseStudy.sections.map((s) => `${s.heading}\n${s.body}`).join('\n\n');
}
