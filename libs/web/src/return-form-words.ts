import { LIMITS, ReturnContent } from '../../returns/src/index.js';

/** One error on the return form: what to fix, in plain words, and the id of the field where it is fixed. */
export interface FormError {
  id: string;
  text: string;
}

const count = (n: number) => n.toLocaleString('en-GB');

/** Where a rule broke: the indices in its path, counted from 1 as a lead counts. */
interface At {
  table: number;
  study: number;
  section: number;
  /** The field's position in the form, counted from 0 as the field ids are. */
  t: number;
  s: number;
  c: number;
}

type Words = (at: At) => FormError;

/** What cannot be read is not something a lead typed wrong: the form always sends text. Said once, plainly. */
const unreadable = (what: string, id: string): FormError => ({
  id,
  text: `${what} could not be read. Enter it again in the form`,
});

/**
 * The sentence for every rule of ReturnContentDto and its nested DTOs, keyed by field (indices as *) and the
 * rule's name as class-validator reports it. A unit test checks every rule the validator has is listed here.
 */
export const RULE_WORDS: Record<string, Words> = {
  'rag:isIn': () => ({ id: 'rag', text: 'Select a RAG rating: green, amber or red' }),
  'narrative:isString': () => unreadable('The progress narrative', 'narrative'),
  'narrative:maxLength': () => ({
    id: 'narrative',
    text: `Progress narrative must be ${count(LIMITS.narrative)} characters or fewer`,
  }),
  'dot:isIn': () => ({ id: 'dot', text: 'Select a direction of travel from the list' }),
  'comments:isString': () => unreadable('The comments', 'comments'),
  'comments:maxLength': () => ({
    id: 'comments',
    text: `Comments on the direction of travel must be ${count(LIMITS.comments)} characters or fewer`,
  }),
  'ragReason:isString': () => unreadable('The reason for the RAG rating', 'ragReason'),
  'ragReason:maxLength': () => ({
    id: 'ragReason',
    text: `The reason for the RAG rating must be ${count(LIMITS.ragReason)} characters or fewer`,
  }),
  'indicators:isDefined': () => unreadable('The indicator values', 'indicator-0'),
  'indicators:isArray': () => unreadable('The indicator values', 'indicator-0'),
  'indicators:eachIsObject': () => unreadable('The indicator values', 'indicator-0'),
  'indicators:nestedValidation': () => unreadable('The indicator values', 'indicator-0'),
  'indicators:arrayMaxSize': () => unreadable('The indicator values', 'indicator-0'),
  'indicators.*.name:isString': (at) => unreadable(`The name of indicator ${at.table}`, `indicator-${at.t}`),
  'indicators.*.name:maxLength': (at) => unreadable(`The name of indicator ${at.table}`, `indicator-${at.t}`),
  'indicators.*.value:isNumber': (at) => ({
    id: `indicator-${at.t}`,
    text: `Value ${at.table} must be a number, like 85 or 1.5`,
  }),
  'indicators.*.value:min': (at) => ({
    id: `indicator-${at.t}`,
    text: `Value ${at.table} must be ${count(-1e12)} or more`,
  }),
  'indicators.*.value:max': (at) => ({
    id: `indicator-${at.t}`,
    text: `Value ${at.table} must be ${count(1e12)} or less`,
  }),

  'tables:isDefined': () => unreadable('The tables', 'tables'),
  'tables:isArray': () => unreadable('The tables', 'tables'),
  'tables:eachIsObject': () => unreadable('The tables', 'tables'),
  'tables:nestedValidation': () => unreadable('The tables', 'tables'),
  'tables:arrayMaxSize': () => ({
    id: 'tables',
    text: `A return can have up to ${LIMITS.tables} tables. Remove a table`,
  }),
  'tables.*.caption:isString': (at) =>
    unreadable(`The caption of table ${at.table}`, `table-${at.t}-caption`),
  'tables.*.caption:maxLength': (at) => ({
    id: `table-${at.t}-caption`,
    text: `The caption of table ${at.table} must be 300 characters or fewer`,
  }),
  'tables.*.header:isArray': (at) => unreadable(`The headings of table ${at.table}`, `table-${at.t}-head-0`),
  'tables.*.header:isString': (at) => unreadable(`The headings of table ${at.table}`, `table-${at.t}-head-0`),
  'tables.*.header:arrayMaxSize': (at) => ({
    id: `table-${at.t}-head-0`,
    text: `Table ${at.table} can have up to ${LIMITS.columns} columns. Remove a column`,
  }),
  'tables.*.header:maxLength': (at) => ({
    id: `table-${at.t}-head-${at.c}`,
    text: `Heading ${at.c + 1} of table ${at.table} must be ${LIMITS.cell} characters or fewer`,
  }),
  'tables.*.rows:isArray': (at) => unreadable(`The rows of table ${at.table}`, `table-${at.t}-caption`),
  'tables.*.rows:arrayMaxSize': (at) => ({
    id: `table-${at.t}-caption`,
    text: `Table ${at.table} can have up to ${LIMITS.rows} rows. Remove a row or split the table in two`,
  }),
  // isTableRows is said row by row (rowWords below); this is for a rows value that is not rows at all.
  'tables.*.rows:isTableRows': (at) => unreadable(`The rows of table ${at.table}`, `table-${at.t}-caption`),

  'caseStudies:isDefined': () => unreadable('The case studies', 'case-studies'),
  'caseStudies:isArray': () => unreadable('The case studies', 'case-studies'),
  'caseStudies:eachIsObject': () => unreadable('The case studies', 'case-studies'),
  'caseStudies:nestedValidation': () => unreadable('The case studies', 'case-studies'),
  'caseStudies:arrayMaxSize': () => ({
    id: 'case-studies',
    text: `A return can have up to ${LIMITS.caseStudies} case studies. Remove a case study`,
  }),
  'caseStudies.*.title:isString': (at) =>
    unreadable(`The title of case study ${at.study}`, `case-${at.t}-title`),
  'caseStudies.*.title:maxLength': (at) => ({
    id: `case-${at.t}-title`,
    text: `The title of case study ${at.study} must be 300 characters or fewer`,
  }),
  'caseStudies.*.agency:isString': (at) =>
    unreadable(`The partner agency of case study ${at.study}`, `case-${at.t}-agency`),
  'caseStudies.*.agency:maxLength': (at) => ({
    id: `case-${at.t}-agency`,
    text: `The partner agency of case study ${at.study} must be 300 characters or fewer`,
  }),
  'caseStudies.*.sections:isArray': (at) =>
    unreadable(`The sections of case study ${at.study}`, `case-${at.t}-title`),
  'caseStudies.*.sections:eachIsObject': (at) =>
    unreadable(`The sections of case study ${at.study}`, `case-${at.t}-title`),
  'caseStudies.*.sections:nestedValidation': (at) =>
    unreadable(`The sections of case study ${at.study}`, `case-${at.t}-title`),
  'caseStudies.*.sections:arrayMaxSize': (at) => ({
    id: `case-${at.t}-title`,
    text: `Case study ${at.study} can have up to ${LIMITS.sections} sections. Remove a section`,
  }),
  'caseStudies.*.sections.*.heading:isString': (at) =>
    unreadable(
      `The heading of section ${at.section} of case study ${at.study}`,
      `case-${at.t}-section-${at.s}-heading`,
    ),
  'caseStudies.*.sections.*.heading:maxLength': (at) => ({
    id: `case-${at.t}-section-${at.s}-heading`,
    text: `The heading of section ${at.section} of case study ${at.study} must be 300 characters or fewer`,
  }),
  'caseStudies.*.sections.*.body:isString': (at) =>
    unreadable(`Section ${at.section} of case study ${at.study}`, `case-${at.t}-section-${at.s}-body`),
  'caseStudies.*.sections.*.body:maxLength': (at) => ({
    id: `case-${at.t}-section-${at.s}-body`,
    text: `Section ${at.section} of case study ${at.study} must be ${count(LIMITS.sectionBody)} characters or fewer`,
  }),
};

/** The key RULE_WORDS is read with: the field's path with its list positions as *. */
export const ruleKey = (path: string[], rule: string) =>
  `${path.map((p) => (/^\d+$/.test(p) ? '*' : p)).join('.')}:${rule}`;

/** The words for one broken rule; a rule not listed still gets a sentence, never the validator's own. */
export function errorInWords(path: string[], rule: string, content: ReturnContent): FormError[] {
  const numbers = path.filter((p) => /^\d+$/.test(p)).map(Number);
  const [t = 0, s = 0] = numbers;
  const at: At = { table: t + 1, study: t + 1, section: s + 1, t, s, c: 0 };
  if (path[0] === 'tables' && path[2] === 'rows' && rule === 'isTableRows') {
    const sentences = rowWords(content, t);
    if (sentences.length > 0) return sentences;
  }
  if (path[0] === 'tables' && path[2] === 'header' && rule === 'maxLength') {
    const header = content.tables?.[t]?.header ?? [];
    return header.flatMap((cell, c) =>
      typeof cell === 'string' && cell.length > LIMITS.cell
        ? [RULE_WORDS[ruleKey(path, rule)]({ ...at, c })]
        : [],
    );
  }
  const words = RULE_WORDS[ruleKey(path, rule)];
  return [
    words
      ? words(at)
      : {
          id: path[0] === 'tables' ? 'tables' : path[0],
          text: 'Check this part of the return: it could not be saved as it is',
        },
  ];
}

/** Each row of table t that breaks the rows rule, said as the row and cell a lead sees. */
function rowWords(content: ReturnContent, t: number): FormError[] {
  const table = content.tables?.[t];
  if (!table || !Array.isArray(table.rows)) return [];
  const width = Array.isArray(table.header) ? table.header.length : LIMITS.columns;
  return table.rows.flatMap((row, r) => {
    const where = `row ${r + 1} of table ${t + 1}`;
    const id = `table-${t}-row-${r}-cell-0`;
    if (!Array.isArray(row)) return [unreadable(`Row ${r + 1} of table ${t + 1}`, id)];
    return [
      ...(row.length > width
        ? [{ id, text: `Row ${r + 1} of table ${t + 1} has more cells than its header` }]
        : []),
      ...row.flatMap((cell, c) =>
        typeof cell !== 'string'
          ? [unreadable(`Cell ${c + 1} in ${where}`, `table-${t}-row-${r}-cell-${c}`)]
          : cell.length > LIMITS.cell
            ? [
                {
                  id: `table-${t}-row-${r}-cell-${c}`,
                  text: `Cell ${c + 1} in ${where} must be ${LIMITS.cell} characters or fewer`,
                },
              ]
            : [],
      ),
    ];
  });
}
