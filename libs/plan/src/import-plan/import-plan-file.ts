import { Inject, Injectable } from '@nestjs/common';
import { EventStore, metadataFor } from '../../../event-store/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { parsePlanFile } from '../parse-plan-file.js';
import { PlanFileProblem } from '../plan-file.js';
import { importPlan, ImportPlanResult, previewPlanImport } from './import-plan.js';

/** What came of importing a plan file: imported (or, on a dry run, what would be), or why nothing was. */
export type PlanFileImport =
  | { outcome: 'imported'; result: ImportPlanResult; dryRun: boolean }
  | { outcome: 'invalid'; problems: PlanFileProblem[] }
  | { outcome: 'other-partnership'; partnershipId: string };

/**
 * Importing a plan file, written once for the API (POST /plan/import) and the coordinator's plan page: the whole
 * file is checked first, it must be for the coordinator's own partnership, then only what changes is recorded
 * (or, on a dry run, only reported). Each caller words a refusal its own way (a problem, or the page's list).
 */
@Injectable()
export class ImportPlanFile {
  constructor(@Inject(EventStore) private readonly store: EventStore) {}

  async import(yaml: string, envelope: CommandEnvelope, dryRun: boolean): Promise<PlanFileImport> {
    const parsed = parsePlanFile(yaml);
    if (!parsed.ok) return { outcome: 'invalid', problems: parsed.problems };
    if (parsed.plan.partnership.id !== envelope.actor.partnershipId) {
      return { outcome: 'other-partnership', partnershipId: parsed.plan.partnership.id };
    }
    const result = dryRun
      ? await previewPlanImport(this.store, parsed.plan)
      : await importPlan(this.store, parsed.plan, metadataFor(envelope, 'plan imported'));
    return { outcome: 'imported', result, dryRun };
  }
}
