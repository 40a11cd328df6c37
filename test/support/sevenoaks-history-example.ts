/**
 * Makes examples/sevenoaks-2019-20-report.json: the Sevenoaks 2019/20 monitoring report in the shape
 * GET /cycles/:id/report gives, from the returns typed from the seed (test/fixtures/sevenoaks-2019-20-returns.ts)
 * and the themes and measures of examples/sevenoaks-2019-22.yaml. It is the file a partnership starting on the
 * service would record its first year from (POST /cycles/historical). Run it again after changing either source:
 *
 *   node -r ./test/support/register-ts.js test/support/sevenoaks-history-example.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlanFile } from '../../libs/plan/src/index.js';
import { SEVENOAKS_2019_20_RETURNS } from '../fixtures/sevenoaks-2019-20-returns.js';

export const SEVENOAKS_HISTORY_EXAMPLE = join(__dirname, '../../examples/sevenoaks-2019-20-report.json');

export function sevenoaksHistoryReport() {
  const parsed = parsePlanFile(
    readFileSync(join(__dirname, '../../examples/sevenoaks-2019-22.yaml'), 'utf8'),
  );
  if (!parsed.ok) throw new Error('the example plan does not parse');
  const { plan } = parsed;
  const agencies = new Map(plan.agencies.map((a) => [a.id, a.name]));
  return {
    title: 'Sevenoaks District Community Plan Annual Monitoring Report 2019/20',
    partnership: plan.partnership.name,
    plan: plan.plan.title,
    label: 'Year 1 2019/20',
    period: 'April 2019 - March 2020',
    yearHeading: 'Year 1 2019/20 (April 2019 - March 2020)',
    periodStart: '2019-04-01',
    periodEnd: '2020-03-31',
    themes: plan.themes.map((theme) => ({
      themeId: theme.id,
      title: theme.title,
      measures: theme.measures.map((measure) => {
        const typed = SEVENOAKS_2019_20_RETURNS[measure.ref];
        // The seed's DOT column is empty for every measure: it is given as null, as the report gives it.
        return {
          ref: measure.ref,
          text: measure.text,
          agency: agencies.get(measure.leadAgency) ?? measure.leadAgency,
          rag: typed.rag,
          narrative: typed.narrative,
          dot: null,
          comments: typed.comments ?? null,
          tables: typed.tables ?? [],
        };
      }),
    })),
  };
}

if (require.main === module) {
  writeFileSync(SEVENOAKS_HISTORY_EXAMPLE, `${JSON.stringify(sevenoaksHistoryReport(), null, 2)}\n`);
  console.log(`wrote ${SEVENOAKS_HISTORY_EXAMPLE}`);
}
