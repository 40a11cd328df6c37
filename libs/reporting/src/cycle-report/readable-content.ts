import {
  LIMITS,
  CaseStudy,
  DIRECTIONS,
  DirectionOfTravel,
  IndicatorValue,
  isEmptyTable,
  Rag,
  RAGS,
  ReturnContent,
  ReturnTable,
} from '../../../returns/src/index.js';
import { isIndicatorNumber } from '../../../plan/src/index.js';
import { charactersIn, withLineFeeds } from '../../../kernel/src/index.js';

/**
 * A part of a stored return the report could not show as stored: where it is (a JSON pointer into the
 * return's content, such as `tables/0/rows/3`, or `approvedBy`) and what is wrong with it.
 */
export interface UnreadablePart {
  part: string;
  problem: string;
}

/** A return's approved version as the report can show it, and what of it could not be shown. */
export interface ReadableApproval {
  content: ReturnContent;
  by: string;
  unreadable: UnreadablePart[];
}

const LENGTHS = {
  caption: 300,
  title: 300,
  agency: 300,
  heading: 300,
};

// Characters no return means to hold and some formats cannot carry (XML refuses C0 controls, U+FFFE, U+FFFF and
// unpaired surrogates; PostgreSQL text refuses NUL): dropped from every text, as invisible as they were.
const UNCARRIABLE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export const isRag = (value: unknown): value is Rag => RAGS.includes(value as Rag);
const isDirection = (value: unknown): value is DirectionOfTravel =>
  DIRECTIONS.includes(value as DirectionOfTravel);
/** An identifier or name the report needs as text: anything else stored there reads as empty. */
export const textOrEmpty = (value: unknown): string => (typeof value === 'string' ? value : '');
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The one step between what the log holds and what the report shows. Validation at the door has had gaps (an
 * array where a table belongs was once accepted and approved), and the log keeps whatever got in for ever: so
 * the report reads a stored return as unknown data, keeps every part that is valid, and names each part that is
 * not instead of failing on it. Every text comes out with LF line endings, as the API now stores them.
 * Idempotent: its own result comes back unchanged, with nothing marked (but an approver it could not read,
 * which stays empty and is marked again).
 */
export function readableApproval(stored: { content: unknown; by: unknown }): ReadableApproval {
  const unreadable: UnreadablePart[] = [];
  const mark = (part: string, problem: string) => unreadable.push({ part, problem });
  const by = typeof stored.by === 'string' ? text(stored.by, 'approvedBy', 1_000, mark) : null;
  if (!by) {
    const absent = stored.by === undefined || stored.by === null || stored.by === '';
    mark(
      'approvedBy',
      absent ? 'who approved it is not recorded' : `${kind(stored.by)} where who approved it belongs`,
    );
  }
  return { content: readableContent(stored.content, mark), by: by ?? '', unreadable };
}

function readableContent(stored: unknown, mark: (part: string, problem: string) => void): ReturnContent {
  if (!isObject(stored)) {
    mark('', `${kind(stored)} where the return's answers belong`);
    return { tables: [], caseStudies: [] };
  }
  const content: ReturnContent = {};
  const { rag, dot } = stored;
  if (isRag(rag)) content.rag = rag;
  else if (rag !== undefined && rag !== null)
    mark('rag', `${describe(rag)} is not one of ${RAGS.join(', ')}`);
  if (isDirection(dot)) content.dot = dot;
  else if (dot !== undefined && dot !== null)
    mark('dot', `${describe(dot)} is not one of ${DIRECTIONS.join(', ')}`);
  const narrative = text(stored.narrative, 'narrative', LIMITS.narrative, mark);
  if (narrative !== null) content.narrative = narrative;
  const comments = text(stored.comments, 'comments', LIMITS.comments, mark);
  if (comments !== null) content.comments = comments;
  content.tables = list(stored.tables, 'tables', LIMITS.tables, mark).flatMap(([table, at]) => {
    const readable = readableTable(table, at, mark);
    // A caption over an empty table (approved before a return could no longer be submitted with one) is left
    // out, as a return approved since has none; so is a table left empty by parts it could not read, its note
    // still saying which.
    return readable && !isEmptyTable(readable) ? [readable] : [];
  });
  content.caseStudies = list(stored.caseStudies, 'caseStudies', LIMITS.caseStudies, mark).flatMap(
    ([study, at]) => {
      const readable = readableCaseStudy(study, at, mark);
      return readable ? [readable] : [];
    },
  );
  // Only a return that gave values has the key: every other content reads as it always did.
  if (stored.indicators !== undefined && stored.indicators !== null) {
    content.indicators = list(stored.indicators, 'indicators', LIMITS.indicators, mark).flatMap(
      ([entry, at]) => {
        const readable = readableIndicatorValue(entry);
        if (!readable) mark(at, `${describe(entry)} is not an indicator's name and value`);
        return readable ? [readable] : [];
      },
    );
  }
  return content;
}

function readableIndicatorValue(stored: unknown): IndicatorValue | null {
  if (!isObject(stored) || typeof stored.name !== 'string' || !stored.name.trim()) return null;
  const { value } = stored;
  if (value === null || value === undefined) return { name: stored.name, value: null };
  return isIndicatorNumber(value) ? { name: stored.name, value } : null;
}

function readableTable(
  stored: unknown,
  at: string,
  mark: (part: string, problem: string) => void,
): ReturnTable | null {
  if (!isObject(stored)) {
    mark(at, `${kind(stored)} where a table belongs`);
    return null;
  }
  required(stored, ['caption', 'header', 'rows'], at, mark);
  const caption = text(stored.caption, `${at}/caption`, LENGTHS.caption, mark) ?? '';
  const header = list(stored.header, `${at}/header`, LIMITS.columns, mark).map(
    ([cell, cellAt]) => text(cell, cellAt, LIMITS.cell, mark) ?? '',
  );
  const rows = list(stored.rows, `${at}/rows`, LIMITS.rows, mark).map(([row, rowAt]) => {
    if (!Array.isArray(row)) {
      mark(rowAt, `${kind(row)} where a row of cells belongs`);
      return [];
    }
    const cells = row.slice(0, LIMITS.columns);
    if (row.length > LIMITS.columns) mark(rowAt, `more than ${LIMITS.columns} cells: the rest are not shown`);
    const wrong = cells.findIndex((cell) => typeof cell !== 'string');
    if (wrong >= 0) mark(`${rowAt}/${wrong}`, `${kind(cells[wrong])} where a text cell belongs`);
    return cells.map((cell, i) =>
      typeof cell === 'string' ? (text(cell, `${rowAt}/${i}`, LIMITS.cell, mark) ?? '') : '',
    );
  });
  return { caption, header, rows };
}

function readableCaseStudy(
  stored: unknown,
  at: string,
  mark: (part: string, problem: string) => void,
): CaseStudy | null {
  if (!isObject(stored)) {
    mark(at, `${kind(stored)} where a case study belongs`);
    return null;
  }
  required(stored, ['title', 'agency', 'sections'], at, mark);
  const title = text(stored.title, `${at}/title`, LENGTHS.title, mark) ?? '';
  const agency = text(stored.agency, `${at}/agency`, LENGTHS.agency, mark) ?? '';
  const sections = list(stored.sections, `${at}/sections`, LIMITS.sections, mark).flatMap(
    ([section, sectionAt]) => {
      if (!isObject(section)) {
        mark(sectionAt, `${kind(section)} where a section belongs`);
        return [];
      }
      required(section, ['heading', 'body'], sectionAt, mark);
      return [
        {
          heading: text(section.heading, `${sectionAt}/heading`, LENGTHS.heading, mark) ?? '',
          body: text(section.body, `${sectionAt}/body`, LIMITS.sectionBody, mark) ?? '',
        },
      ];
    },
  );
  return { title, agency, sections };
}

/** Marks each of the keys a part must have that it lacks (a missing list or text reads as empty). */
function required(
  stored: Record<string, unknown>,
  keys: string[],
  at: string,
  mark: (part: string, problem: string) => void,
): void {
  for (const key of keys)
    if (stored[key] === undefined || stored[key] === null) mark(`${at}/${key}`, 'missing');
}

/**
 * A text as shown: null when absent, cut at its limit, without characters no format can carry, its line endings
 * line feeds.
 */
function text(
  stored: unknown,
  at: string,
  limit: number,
  mark: (part: string, problem: string) => void,
): string | null {
  if (stored === undefined || stored === null) return null;
  if (typeof stored !== 'string') {
    mark(at, `${kind(stored)} where text belongs`);
    return null;
  }
  // Line endings as LF: returns typed in a browser before the API made them so hold CRLF, and the log keeps them.
  const clean = withLineFeeds(stored.replace(UNCARRIABLE, ''));
  // Characters as the API counted them when the text was saved (30,000 emoji, 60,000 UTF-16 units, were cut here).
  if (clean.length <= limit || charactersIn(clean) <= limit) return clean;
  mark(at, `longer than ${limit.toLocaleString('en-GB')} characters: cut short`);
  return [...clean].slice(0, limit).join('');
}

/** The items of a stored list with where each stands; anything else is marked and read as no items. */
function list(
  stored: unknown,
  at: string,
  limit: number,
  mark: (part: string, problem: string) => void,
): [unknown, string][] {
  if (stored === undefined || stored === null) return [];
  if (!Array.isArray(stored)) {
    mark(at, `${kind(stored)} where a list belongs`);
    return [];
  }
  if (stored.length > limit) mark(at, `more than ${limit}: the rest are not shown`);
  return stored.slice(0, limit).map((item, i) => [item, `${at}/${i}`]);
}

function kind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

/** A short, printable account of a wrong value: the value itself when it is short text or a number. */
function describe(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.replace(UNCARRIABLE, '');
    return shown.length <= 40 ? JSON.stringify(shown) : `text of ${value.length} characters`;
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : kind(value);
}
