/**
 * The report's title and year heading (issue 12 point 4). By default they are made from the plan and the cycle
 * the way the seed report writes them; the coordinator may set either on the cycle instead.
 */

/** "2019/20" for a year that spans two calendar years, "2020" for one within a single year. */
export function yearSpan(periodStart: string, periodEnd: string): string {
  const [from, to] = [periodStart.slice(0, 4), periodEnd.slice(0, 4)];
  return from === to ? from : `${from}/${to.slice(2)}`;
}

/**
 * "Sevenoaks District Community Plan Annual Monitoring Report 2019/20" from the plan "Sevenoaks District
 * Community Plan 2019-22" and a cycle of April 2019 - March 2020: the plan's own span is dropped from its title
 * because the report names the year it covers instead.
 */
export function defaultReportTitle(planTitle: string, periodStart: string, periodEnd: string): string {
  const name = planTitle.replace(/\s+\d{4}\s*[-–/]\s*\d{2,4}$/u, '').trim() || planTitle;
  return `${name} Annual Monitoring Report ${yearSpan(periodStart, periodEnd)}`;
}

/**
 * Which year of the plan the cycle is: counted from the plan's start when the cycle begins within the plan,
 * else read from a label such as "Year 2 2020/21"; null when neither says.
 */
export function yearOfPlan(
  plan: { periodStart: string; periodEnd: string },
  cycle: { label: string; periodStart: string },
): number | null {
  if (cycle.periodStart >= plan.periodStart && cycle.periodStart <= plan.periodEnd) {
    const months = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
    return Math.floor((months(cycle.periodStart) - months(plan.periodStart)) / 12) + 1;
  }
  const named = /^Year\s+(\d+)\b/i.exec(cycle.label);
  return named ? Number(named[1]) : null;
}

/** "Year 1 (April 2019 - March 2020)"; the cycle's label stands in for "Year n" when the year is not known. */
export function defaultYearHeading(year: number | null, label: string, period: string): string {
  if (year !== null) return `Year ${year} (${period})`;
  return label.includes(period) ? label : `${label} (${period})`;
}

/** The report's opening sentence: the coordinator's own, or one that names the partnership. */
export function reportIntroduction(report: { introduction?: string; partnership: string }): string {
  return (
    report.introduction ??
    `This report is produced on behalf of the ${report.partnership} using data and information provided by partners.`
  );
}
