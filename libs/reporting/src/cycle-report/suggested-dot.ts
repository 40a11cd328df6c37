import { DirectionOfTravel, Rag } from '../../../returns/src/index.js';

const RANK: Record<Rag, number> = { red: 0, amber: 1, green: 2 };

/**
 * The direction of travel the RAGs imply: better than the previous cycle's approved RAG is improving, the same
 * is no change, worse is declining; a measure never rated before is new. Shown beside the agency's own choice,
 * which may rightly differ (a RAG band hides movement within it).
 */
export function suggestedDot(previous: Rag | null, current: Rag | null): DirectionOfTravel | null {
  if (!current) return null;
  if (!previous) return 'new';
  const change = RANK[current] - RANK[previous];
  return change > 0 ? 'improving' : change < 0 ? 'declining' : 'no-change';
}
