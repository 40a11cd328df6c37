import { DirectionOfTravel, Rag } from '../../../returns/src/index.js';
import { UnreadablePart } from './readable-content.js';

/** The words every format prints for a RAG rating: colour is never the only signal. */
export function ragLabel(rag: Rag | null | undefined): string {
  return rag === 'green' ? 'Green' : rag === 'amber' ? 'Amber' : rag === 'red' ? 'Red' : 'Not rated';
}

export function dotLabel(dot: DirectionOfTravel | null | undefined): string {
  switch (dot) {
    case 'improving':
      return 'Improving';
    case 'no-change':
      return 'No change';
    case 'declining':
      return 'Declining';
    case 'new':
      return 'New';
    default:
      return '';
  }
}

/**
 * A measure's RAG in the plan's earlier cycles, oldest first, in the words the Word report and the spreadsheets
 * give it: "Year 1 2019/20 Red → Year 2 2020/21 Amber"; empty in a plan's first cycle.
 */
export function ragTrendWords(trend: readonly { label: string; rag: Rag | null }[]): string {
  return trend.map((t) => `${t.label} ${ragLabel(t.rag)}`).join(' → ');
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "April 2019 - March 2020", as the seed report writes a period. */
export function periodWords(start: string, end: string): string {
  const month = (date: string) => `${MONTHS[Number(date.slice(5, 7)) - 1]} ${date.slice(0, 4)}`;
  return `${month(start)} - ${month(end)}`;
}

/**
 * A body named for what it is (a partnership, a group, a team) takes "the" inside a sentence; one named for its
 * place (Kent County Council, Kent Police) does not. The seed writes "Sevenoaks District Council, Kent County
 * Council and the Sevenoaks District Local Strategic Partnership", and a label's first name goes without it.
 */
const TAKES_THE =
  /\b(partnership|group|team|board|forum|network|alliance|consortium|panel|committee|commission)(\s*\([^)]*\))?$/i;

function inRunningText(name: string): string {
  return TAKES_THE.test(name) && !/^the\s/i.test(name) ? `the ${name}` : name;
}

/** "Lead Agency: X" or "Lead Agencies: X and the Y", as the seed introduces a theme. */
export function leadAgenciesLine(names: string[]): string {
  if (names.length === 0) return '';
  const [first, ...rest] = names;
  const others = rest.map(inRunningText);
  const list =
    others.length === 0
      ? first
      : `${[first, ...others.slice(0, -1)].join(', ')} and ${others[others.length - 1]}`;
  return `${names.length === 1 ? 'Lead Agency' : 'Lead Agencies'}: ${list}`;
}

const PART_NAMES: Record<string, string> = {
  rag: 'the RAG rating',
  dot: 'the direction of travel',
  narrative: 'the progress narrative',
  comments: 'the comments',
  approvedBy: 'who approved it',
  tables: 'the tables',
  caseStudies: 'the case studies',
  caption: 'the caption',
  header: 'the header',
  rows: 'the rows',
  title: 'the title',
  agency: 'the agency',
  sections: 'the sections',
  heading: 'the heading',
  body: 'the text',
};
/** What one item of each list is called; an item of a row is a cell. */
const ITEM_NAMES: Record<string, string> = {
  tables: 'table',
  caseStudies: 'case study',
  rows: 'row',
  header: 'heading',
  sections: 'section',
};

/** Where in a return a part is, in words: `tables/0/rows/3/2` is "cell 3 of row 4 of table 1". */
export function partWords(part: string): string {
  if (part === '') return 'the whole return';
  const phrases: string[] = [];
  let previous = '';
  for (const segment of part.split('/')) {
    if (/^\d+$/.test(segment)) {
      const item = ITEM_NAMES[previous] ?? 'cell';
      if (ITEM_NAMES[previous]) phrases.pop();
      phrases.push(`${item} ${Number(segment) + 1}`);
    } else {
      phrases.push(PART_NAMES[segment] ?? segment);
    }
    previous = segment;
  }
  return phrases.reverse().join(' of ');
}

/**
 * The note every format prints where a return had parts it could not show as stored, e.g. "Part of this return
 * could not be shown as stored: table 1 (a list where a table belongs)."
 */
export function unreadableNote(parts: readonly UnreadablePart[] | undefined): string {
  if (!parts || parts.length === 0) return '';
  const list = parts.map((p) => `${partWords(p.part)} (${p.problem})`).join('; ');
  return `Part of this return could not be shown as stored: ${list}.`;
}
