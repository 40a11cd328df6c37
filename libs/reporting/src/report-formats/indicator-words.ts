import { ReportIndicator } from '../cycle-report/report-indicators.js';
import { ragLabel } from '../cycle-report/report-words.js';
import { figureInWords } from '../../../plan/src/index.js';

/**
 * An indicator as a sentence, for formats that cannot draw (Word): value against target with its suggested RAG in
 * brackets, so that the colour is never the only thing that says it.
 */
export function indicatorSentence(indicator: ReportIndicator): string {
  const value = indicator.value === null ? 'no value given' : figureInWords(indicator.value, indicator.unit);
  const rag = indicator.rag ? ` (${ragLabel(indicator.rag)})` : '';
  return `${indicator.name}: ${value} against a target of ${figureInWords(indicator.target, indicator.unit)}${rag}`;
}

/**
 * The indicator's trend in the words the HTML sparkline gives a screen reader, oldest first; null when fewer than
 * two cycles have a value, as the HTML draws no line from one point.
 */
export function trendSentence(indicator: ReportIndicator): string | null {
  const points = indicator.trend.filter((t) => t.value !== null);
  if (points.length < 2) return null;
  return `Trend: ${points.map((p) => `${p.label} ${figureInWords(p.value as number, indicator.unit)}`).join(', ')}`;
}
