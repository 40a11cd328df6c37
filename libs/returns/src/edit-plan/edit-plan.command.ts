import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  aggregateStream,
  ConcurrencyError,
  EventStore,
  metadataFor,
  StreamAppend,
} from '../../../event-store/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import {
  decideEditPlan,
  evolveOwnedPlan,
  evolvePartnership,
  initialPartnership,
  initialPlan,
  PartnershipEvent,
  partnershipStreamId,
  PlanEdit,
  PlanEditContext,
  PlanEditProblem,
  PlanEvent,
  PlanFile,
  planStreamId,
  recordedPlanFile,
} from '../../../plan/src/index.js';
import { PartnershipIndex } from '../partnership-index.js';

/** What came of a form's edit of the plan. */
export type PlanEditResult =
  | { outcome: 'edited'; changes: string[] }
  | { outcome: 'invalid'; problems: PlanEditProblem[] }
  /** Someone changed the plan after the form was opened: nothing was recorded. */
  | { outcome: 'stale' };

/** The plan as recorded, ready to edit: the file, its version (for If-Match) and what the history knows. */
export interface EditablePlan {
  file: PlanFile;
  version: string;
  context: PlanEditContext;
}

/**
 * Editing the plan one part at a time from the plan page (issue 13 point 9). The version is the two streams'
 * versions together, `<partnership>.<plan>`: a form carries the version it was opened at, and an edit made
 * after anyone else's (another form, an import) is refused as stale rather than deciding on a plan the
 * coordinator did not see. The append is checked against the same versions, so a race is refused too.
 */
@Injectable()
export class EditPlan {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  /** The latest plan as a file, or null before any plan was loaded. */
  async current(partnershipId: string): Promise<EditablePlan | null> {
    const loaded = await this.load(partnershipId);
    if (!loaded) return null;
    const { partnership, plan, version, context } = loaded;
    if (partnership.state.status !== 'registered' || plan.state.status !== 'adopted') return null;
    return { file: recordedPlanFile(partnership.state, plan.state), version, context };
  }

  /** The problems an edit would meet now, recording nothing: a remove page says up front why it cannot be. */
  async check(edit: PlanEdit, partnershipId: string): Promise<PlanEditProblem[]> {
    const loaded = await this.load(partnershipId);
    if (!loaded) return [];
    const decided = decideEditPlan(edit, loaded.partnership.state, loaded.plan.state, loaded.context);
    return decided.ok ? [] : decided.problems;
  }

  async edit(edit: PlanEdit, expectedVersion: string, envelope: CommandEnvelope): Promise<PlanEditResult> {
    const loaded = await this.load(envelope.actor.partnershipId);
    if (loaded && loaded.version !== expectedVersion) return { outcome: 'stale' };
    const { partnership, plan, context } = loaded ?? {
      partnership: { state: initialPartnership(), expectedVersion: 'no_stream' as const },
      plan: { state: initialPlan(), expectedVersion: 'no_stream' as const, streamId: '' },
      context: { askedFor: new Set<string>(), retiredAgencyIds: new Set<string>() },
    };
    const decided = decideEditPlan(edit, partnership.state, plan.state, context);
    if (!decided.ok) return { outcome: 'invalid', problems: decided.problems };
    const { partnershipEvents, planEvents } = decided.decision;
    const appends: StreamAppend[] = [];
    if (partnershipEvents.length > 0)
      appends.push({
        streamId: partnershipStreamId(envelope.actor.partnershipId),
        expectedVersion: partnership.expectedVersion,
        events: partnershipEvents,
      });
    if (planEvents.length > 0)
      appends.push({ streamId: plan.streamId, expectedVersion: plan.expectedVersion, events: planEvents });
    if (appends.length > 0) {
      try {
        await this.store.appendMany(appends, metadataFor(envelope, 'plan edited'));
      } catch (error) {
        if (error instanceof ConcurrencyError) return { outcome: 'stale' };
        throw error;
      }
    }
    return { outcome: 'edited', changes: [...partnershipEvents, ...planEvents].map((e) => e.type) };
  }

  private async load(partnershipId: string) {
    const planId = (await this.index.planIds(partnershipId)).at(-1);
    if (!planId) return null;
    const streamId = planStreamId(partnershipId, planId);
    const [partnership, plan, asked] = await Promise.all([
      aggregateStream<ReturnType<typeof initialPartnership>, PartnershipEvent>(
        this.store,
        partnershipStreamId(partnershipId),
        evolvePartnership,
        initialPartnership,
      ),
      aggregateStream<ReturnType<typeof initialPlan>, PlanEvent>(
        this.store,
        streamId,
        evolveOwnedPlan,
        initialPlan,
      ),
      this.askedFor(partnershipId, planId),
    ]);
    const versionOf = (v: number | string) => (typeof v === 'number' ? v : 0);
    const retiredAgencyIds = new Set(
      partnership.state.status === 'registered'
        ? [...partnership.state.agencies.values()].filter((a) => a.retired).map((a) => a.id)
        : [],
    );
    return {
      partnership,
      plan: { ...plan, streamId },
      version: `${versionOf(partnership.expectedVersion)}.${versionOf(plan.expectedVersion)}`,
      context: { askedFor: asked, retiredAgencyIds },
    };
  }

  /** Measures of the plan that some cycle has asked for: they stay in the plan, as the returns name them. */
  private async askedFor(partnershipId: string, planId: string): Promise<Set<string>> {
    const rows: { ref: string }[] = await this.dataSource.query(
      `SELECT DISTINCT data->>'measureRef' AS ref FROM events
       WHERE type = 'ReturnRequested' AND data->>'partnershipId' = $1 AND data->>'planId' = $2`,
      [partnershipId, planId],
    );
    return new Set(rows.map((r) => r.ref));
  }
}
