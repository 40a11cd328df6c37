import { PublishedReport } from './publish-report/published-report.entity.js';
import { ReportReturns1764000000100 } from './migrations/1764000000100-report-returns.js';
import { ReportingTables1764000000650 } from './migrations/1764000000650-reporting-tables.js';
import { ReportReturnsUnreadable1765060000300 } from './migrations/1765060000300-report-returns-unreadable.js';
import { ReportReturnsIndicators1765080000700 } from './migrations/1765080000700-report-returns-indicators.js';
import { BiViews1765081500100 } from './migrations/1765081500100-bi-views.js';
import { PublicationLogDigest1765091700200 } from './migrations/1765091700200-publication-log-digest.js';
import { ReportEvidence1765091600100 } from './migrations/1765091600100-report-evidence.js';
import { PublicationsRedacted1765092500100 } from './migrations/1765092500100-publications-redacted.js';
import { BiPlanWords1765230000000 } from './migrations/1765230000000-bi-plan-words.js';

/** The reporting lib's migrations, in the order they were written; the apps compose every lib's list (apps/composition). */
export const REPORTING_MIGRATIONS = [
  ReportReturns1764000000100,
  ReportingTables1764000000650,
  ReportReturnsUnreadable1765060000300,
  ReportReturnsIndicators1765080000700,
  BiViews1765081500100,
  PublicationLogDigest1765091700200,
  ReportEvidence1765091600100,
  PublicationsRedacted1765092500100,
  BiPlanWords1765230000000,
];

/** The TypeORM entities of the reporting tables: they map what the migrations made, and never change it. */
export const REPORTING_ENTITIES = [PublishedReport];
