import { DirectionOfTravel, Rag } from '../../../returns/src/return/return-content.js';

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

/** "Lead Agency: X" or "Lead Agencies: X and Y", as the seed introduces a theme. */
export function leadAgenciesLine(names: string[]): string {
  if (names.length === 0) return '';
  const list =
    names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return `${names.length === 1 ? 'Lead Agency' : 'Lead Agencies'}: ${list}`;
}
