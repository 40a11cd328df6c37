import { escapeHtml as e } from '../../../mail/src/index.js';
import { figureInWords } from '../../../plan/src/index.js';
import { ReportIndicator } from '../cycle-report/report-indicators.js';
import { ragLabel } from '../cycle-report/report-words.js';

const W = 80;
const H = 20;
const PAD = 2;

/**
 * The indicator's values over the plan's cycles as a small line (oldest left), with its words for a screen
 * reader: an SVG of its own, no script, no external reference, so it prints and turns into PDF as it is.
 * Nothing when fewer than two cycles have a value: one point is not a trend.
 */
export function sparklineSvg(indicator: ReportIndicator): string {
  const points = indicator.trend.map((t, i) => ({ ...t, i })).filter((t) => t.value !== null);
  if (points.length < 2) return '';
  const values = points.map((p) => p.value as number);
  const [low, high] = [Math.min(...values, indicator.target), Math.max(...values, indicator.target)];
  const span = high - low || 1;
  const x = (i: number) => PAD + (i * (W - 2 * PAD)) / Math.max(1, indicator.trend.length - 1);
  const y = (v: number) => H - PAD - ((v - low) / span) * (H - 2 * PAD);
  const line = points.map((p) => `${x(p.i).toFixed(1)},${y(p.value as number).toFixed(1)}`).join(' ');
  const words = `Trend of ${indicator.name}: ${points
    .map((p) => `${p.label} ${figureInWords(p.value as number, indicator.unit)}`)
    .join(', ')}; target ${figureInWords(indicator.target, indicator.unit)}`;
  const last = points[points.length - 1];
  return (
    `<svg class="sparkline" role="img" aria-label="${e(words)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${e(words)}</title>` +
    `<line x1="0" x2="${W}" y1="${y(indicator.target).toFixed(1)}" y2="${y(indicator.target).toFixed(1)}" stroke="#505a5f" stroke-dasharray="2 2" stroke-width="1"/>` +
    `<polyline points="${line}" fill="none" stroke="#1d70b8" stroke-width="1.5"/>` +
    `<circle cx="${x(last.i).toFixed(1)}" cy="${y(last.value as number).toFixed(1)}" r="2" fill="#1d70b8"/>` +
    `</svg>`
  );
}

/** A measure's indicators above its narrative: value against target in words, its colour, and its trend. */
export function indicatorsHtml(indicators: ReportIndicator[] | undefined): string {
  if (!indicators?.length) return '';
  const items = indicators.map((i) => {
    const value = i.value === null ? 'no value given' : figureInWords(i.value, i.unit);
    const chip = i.rag ? ` <span class="chip rag-${i.rag}">${ragLabel(i.rag)}</span>` : '';
    return `<li><span class="indicator-name">${e(i.name)}</span>: ${e(value)} against a target of ${e(figureInWords(i.target, i.unit))}${chip} ${sparklineSvg(i)}</li>`;
  });
  return `<ul class="indicators">${items.join('')}</ul>`;
}
