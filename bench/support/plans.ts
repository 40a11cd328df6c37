import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePlanFile, PlanFile } from '../../libs/plan/src/index.js';

/** The Sevenoaks plan in examples/ (6 themes, 27 measures, 9 agencies). Resolved from dist/ and from source. */
export const SEVENOAKS_FILE = join(__dirname, '..', '..', '..', 'examples', 'sevenoaks-2019-22.yaml');

export function sevenoaksPlan(): PlanFile {
  const file = readFileSync(SEVENOAKS_FILE, 'utf8');
  const parsed = parsePlanFile(file);
  if (!parsed.ok) throw new Error(`${SEVENOAKS_FILE} does not parse`);
  return parsed.plan;
}

/**
 * The Sevenoaks plan as another partnership would hold it: its own partnership id and name, and its own contact
 * emails (`priya.shah+lsp-3@example.org`), so partnerships never share a contact.
 */
export function planForPartnership(base: PlanFile, index: number): PlanFile {
  const suffix = `lsp-${index}`;
  return {
    ...base,
    partnership: { id: `district-${index}-lsp`, name: `District ${index} Local Strategic Partnership` },
    agencies: base.agencies.map((a) => ({
      ...a,
      contacts: a.contacts.map((c) => ({ ...c, email: c.email.replace('@', `+${suffix}@`) })),
    })),
  };
}

/**
 * A plan shaped like Sevenoaks but with `measures` key success measures spread over its six themes (refs S1..,
 * C1.., G1..), each led by one of its theme's lead agencies, as a county-wide plan would be.
 */
export function largePlan(measures: number, base: PlanFile = sevenoaksPlan()): PlanFile {
  const themes = base.themes.map((t) => ({ ...t, measures: [] as PlanFile['themes'][number]['measures'] }));
  for (let i = 0; i < measures; i++) {
    const theme = themes[i % themes.length];
    const template = base.themes[i % themes.length].measures;
    const source = template[Math.floor(i / themes.length) % template.length];
    const n = theme.measures.length + 1;
    theme.measures.push({
      ref: `${source.ref.replace(/\d+$/, '')}${n}`,
      text: `${source.text} (${n})`,
      leadAgency: theme.leadAgencies[n % theme.leadAgencies.length],
      ...(source.priority ? { priority: source.priority } : {}),
    });
  }
  return {
    ...base,
    plan: { ...base.plan, id: `county-plan-${measures}`, title: `County Plan (${measures} measures)` },
    themes,
  };
}

/** The measures of a plan in the order a cycle requests them, with the agency each return is asked of. */
export function planMeasures(plan: PlanFile): { ref: string; themeId: string; agencyId: string }[] {
  return plan.themes.flatMap((t) =>
    t.measures.map((m) => ({ ref: m.ref, themeId: t.id, agencyId: m.leadAgency })),
  );
}

/**
 * A plan of `agencies` partner agencies, each with one lead and one senior contact and owning one measure,
 * spread over Sevenoaks' six themes: the shape of a county-wide partnership whose chases go to many agencies.
 */
export function widePlan(agencies: number, base: PlanFile = sevenoaksPlan()): PlanFile {
  const ids = Array.from({ length: agencies }, (_, i) => `agency-${i + 1}`);
  return {
    ...base,
    plan: { ...base.plan, id: `wide-plan-${agencies}` },
    agencies: ids.map((id, i) => ({
      id,
      name: `Partner agency ${i + 1}`,
      contacts: [
        { name: `Lead ${i + 1}`, email: `lead@${id}.example.org`, role: 'lead' as const },
        { name: `Senior ${i + 1}`, email: `senior@${id}.example.org`, role: 'senior' as const },
      ],
    })),
    themes: base.themes.map((t, k) => {
      const mine = ids.filter((_, i) => i % base.themes.length === k);
      return {
        ...t,
        leadAgencies: mine.length > 0 ? [mine[0]] : [ids[0]],
        measures: mine.map((agency, n) => ({
          ref: `${t.measures[0].ref.replace(/\d+$/, '')}${n + 1}`,
          text: `${t.measures[n % t.measures.length].text} (${agency})`,
          leadAgency: agency,
        })),
      };
    }),
  };
}
