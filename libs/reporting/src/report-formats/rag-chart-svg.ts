import { escapeHtml } from '../../../mail/src/index.js';
import { RagCounts } from '../cycle-report/cycle-report.js';
import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';

const SEGMENTS: { key: keyof RagCounts; label: string; fill: string; text: string }[] = [
  { key: 'green', label: 'Green', fill: '#00703c', text: '#ffffff' },
  { key: 'amber', label: 'Amber', fill: '#ffbf47', text: '#0b0c0c' },
  { key: 'red', label: 'Red', fill: '#d4351c', text: '#ffffff' },
  { key: 'notRated', label: 'Not rated', fill: '#b1b4b6', text: '#0b0c0c' },
];

const WIDTH = 900;
const LABEL = 260;
const ROW = 30;
const BAR = 20;

/**
 * RAG by theme as an inline SVG: one stacked bar per theme, each segment labelled with its count and its word
 * (never colour alone), and a legend. No script, no external reference: it prints and converts to PDF as is.
 */
export function ragChartSvg(report: AnyCycleReport): string {
  const themes = report.themes;
  const most = Math.max(1, ...themes.map((t) => SEGMENTS.reduce((n, s) => n + t.counts[s.key], 0)));
  const scale = (WIDTH - LABEL - 10) / most;
  const legendY = themes.length * ROW + 16;
  const height = legendY + 24;
  const bars = themes.map((theme, i) => {
    const y = i * ROW + 4;
    let x = LABEL;
    const parts = SEGMENTS.filter((s) => theme.counts[s.key] > 0).map((s) => {
      const count = theme.counts[s.key];
      const width = count * scale;
      const words = `${count} ${s.label}`;
      const label = width >= words.length * 6.5 + 6 ? words : width >= 14 ? String(count) : '';
      const part =
        `<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${BAR}" fill="${s.fill}">` +
        `<title>${escapeHtml(`${theme.title}: ${words}`)}</title></rect>` +
        (label
          ? `<text x="${(x + width / 2).toFixed(1)}" y="${y + 14}" text-anchor="middle" fill="${s.text}">${label}</text>`
          : '');
      x += width;
      return part;
    });
    const name = theme.title.length > 38 ? `${theme.title.slice(0, 37)}…` : theme.title;
    return (
      `<text x="${LABEL - 8}" y="${y + 14}" text-anchor="end">${escapeHtml(name)}</text>` + parts.join('')
    );
  });
  let lx = LABEL;
  const legend = SEGMENTS.map((s) => {
    const item =
      `<rect x="${lx}" y="${legendY}" width="14" height="14" fill="${s.fill}" stroke="#0b0c0c" stroke-width="0.5"/>` +
      `<text x="${lx + 20}" y="${legendY + 12}">${s.label}</text>`;
    lx += 110;
    return item;
  });
  const summary = themes
    .map(
      (t) => `${t.title}: ${SEGMENTS.map((s) => `${t.counts[s.key]} ${s.label.toLowerCase()}`).join(', ')}`,
    )
    .join('; ');
  return (
    `<svg class="rag-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" ` +
    `width="100%" role="img" aria-labelledby="rag-chart-title rag-chart-desc" font-family="Arial, sans-serif" font-size="12">` +
    `<title id="rag-chart-title">RAG ratings by theme</title>` +
    `<desc id="rag-chart-desc">${escapeHtml(summary)}</desc>` +
    bars.join('') +
    legend.join('') +
    `</svg>`
  );
}
