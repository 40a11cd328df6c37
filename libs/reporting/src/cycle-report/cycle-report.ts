import { DataSource } from 'typeorm';
import { PlanState } from '../../../plan/src/plan.state.js';
import { CycleState } from '../../../returns/src/cycle/cycle.state.js';
import { ReportReturn } from '../report-return.entity.js';

export interface CycleReport {
  cycleId: string;
  label: string;
  partnershipId: string;
  periodStart: string;
  periodEnd: string;
  headline: { rated: number; green: number; amber: number; red: number; onTargetPercent: number | null };
  themes: {
    themeId: string;
    title: string;
    ambition: string;
    leadAgencyIds: string[];
    measures: {
      ref: string;
      text: string;
      rag: string | null;
      narrative: string | null;
      dot: string | null;
      comments: string | null;
      approvedBy: string;
      approvedAt: string;
    }[];
  }[];
}

/** The report in the seed's order: themes as the plan lists them, each with its approved returns. */
export async function buildCycleReport(
  dataSource: DataSource,
  cycle: Exclude<CycleState, { status: 'none' }>,
  plan: Exclude<PlanState, { status: 'none' }>,
): Promise<CycleReport> {
  const rows = await dataSource.getRepository(ReportReturn).find({ where: { cycleId: cycle.cycleId } });
  const byRef = new Map(rows.map((r) => [r.measureRef, r]));
  const measureOrder = (ref: string) => plan.measures.get(ref)?.position ?? Number.MAX_SAFE_INTEGER;
  const themes = [...plan.themes.values()]
    .sort((a, b) => a.position - b.position)
    .map((theme) => ({
      themeId: theme.themeId,
      title: theme.title,
      ambition: theme.ambition,
      leadAgencyIds: theme.leadAgencyIds,
      measures: rows
        .filter((r) => r.themeId === theme.themeId)
        .sort((a, b) => measureOrder(a.measureRef) - measureOrder(b.measureRef))
        .map((r) => ({
          ref: r.measureRef,
          text: plan.measures.get(r.measureRef)?.text ?? '',
          rag: r.rag,
          narrative: r.narrative,
          dot: r.dot,
          comments: r.comments,
          approvedBy: r.approvedBy,
          approvedAt: r.approvedAt.toISOString(),
        })),
    }));
  const count = (rag: string) => [...byRef.values()].filter((r) => r.rag === rag).length;
  const [green, amber, red] = [count('green'), count('amber'), count('red')];
  const rated = green + amber + red;
  return {
    cycleId: cycle.cycleId,
    label: cycle.label,
    partnershipId: cycle.partnershipId,
    periodStart: cycle.periodStart,
    periodEnd: cycle.periodEnd,
    headline: {
      rated,
      green,
      amber,
      red,
      onTargetPercent: rated > 0 ? Math.round((green / rated) * 100) : null,
    },
    themes,
  };
}
