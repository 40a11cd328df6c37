import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { OutboxRelay } from '../../apps/worker/src/outbox-relay.service.js';
import { ReturnStatusProjection } from '../../apps/worker/src/return-status.service.js';
import { ReportingProjection } from '../../apps/worker/src/reporting-projection.service.js';
import { QUEUES } from '../../libs/queues/src/index.js';
import { AuthService } from '../../libs/auth/src/index.js';
import { cycleNameOf } from '../../libs/kernel/src/index.js';
import { eventually, http, Product } from './product.js';

/**
 * Waits until the outbox relay, the return-status and the reporting processors have read every event and the
 * reporting queue (jobs an earlier release left) has nothing left to do.
 */
export async function projectionsSettled(product: Product, timeoutMs = 20_000): Promise<void> {
  const processors = [
    product.worker.get(OutboxRelay).processor,
    product.worker.get(ReturnStatusProjection).processor,
    product.worker.get(ReportingProjection).processor,
  ];
  const queue = product.worker.get<Queue>(getQueueToken(QUEUES.reporting));
  /** The first part still outstanding (a processor behind, or reporting jobs left), or null once settled. */
  const outstanding = async (): Promise<string | null> => {
    for (const processor of processors) {
      // Not EventStore.readAll: its fence hides committed events while an older transaction is still open.
      const { transactionId, globalPosition } = await processor.checkpoint();
      const [{ unread }] = await product.db.dataSource.query(
        `SELECT EXISTS (SELECT 1 FROM events WHERE (transaction_id, global_position) > ($1::xid8, $2)) AS unread`,
        [transactionId, globalPosition],
      );
      if (unread) return `${processor.name} has events unread past (${transactionId}, ${globalPosition})`;
    }
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).every((n) => n === 0) ? null : `reporting jobs ${JSON.stringify(counts)}`;
  };
  try {
    await eventually(async () => (await outstanding()) === null, timeoutMs);
  } catch (error) {
    // Looked at once more, with a delayed job's last error: a CI failure says which part stalled.
    const delayed = await queue.getDelayed(0, 2);
    const why = delayed.map(
      (job) => `; ${job.name} delayed after ${job.attemptsMade} attempts: ${job.failedReason}`,
    );
    throw new Error(`projections not settled in ${timeoutMs} ms: ${await outstanding()}${why.join('')}`, {
      cause: error,
    });
  }
}

/** Every row of every read model, in a stable order, for comparing two builds of them. */
export async function readModelTables(product: Product): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => product.db.dataSource.query(sql);
  return {
    report_cycles: await q(`SELECT * FROM report_cycles ORDER BY cycle_id`),
    report_requested_returns: await q(`SELECT * FROM report_requested_returns ORDER BY return_id`),
    report_returns: await q(`SELECT * FROM report_returns ORDER BY return_id`),
    report_evidence: await q(`SELECT * FROM report_evidence ORDER BY return_id, evidence_id`),
    report_plan_themes: await q(
      `SELECT * FROM report_plan_themes ORDER BY partnership_id, plan_id, theme_id`,
    ),
    report_plan_measures: await q(
      `SELECT * FROM report_plan_measures ORDER BY partnership_id, plan_id, measure_ref`,
    ),
    report_agencies: await q(`SELECT * FROM report_agencies ORDER BY partnership_id, agency_id`),
    chase_cycles: await q(`SELECT * FROM chase_cycles ORDER BY cycle_id`),
    return_status: await q(`SELECT * FROM return_status ORDER BY return_id`),
    chase_steps: await q(`SELECT * FROM chase_steps ORDER BY cycle_id, agency_id, step`),
    chase_mails: await q(`SELECT * FROM chase_mails ORDER BY cycle_id, agency_id, step, recipient`),
  };
}

/** A new agency-lead session, for tests that move the clock past the ones startProduct made. */
export async function freshLead(
  product: Product,
  agencyId: string,
  email: string,
): Promise<Record<string, string>> {
  const session = await product.api.get(AuthService).createLinkSession({
    linkId: `test-${agencyId}-${Date.now()}`,
    partnershipId: 'sevenoaks-lsp',
    cycleId: null,
    agencyId,
    contactEmail: email,
  });
  // A session cookie writes only from the service's own origin.
  return { cookie: `pr_session=${session}`, origin: product.baseUrl };
}

type Call = ReturnType<typeof http>;

/**
 * Drafts and opens a cycle of the Sevenoaks plan as the coordinator; returns its id. `cycleId` may be the name
 * to draft it under or the whole id it will get (`sevenoaks-lsp~<name>`).
 */
/** The seed's first year, 2019/20, as most report tests open it: due far ahead, so nothing chases it. */
export const YEAR_ONE = {
  cycleId: 'y1-2019-20',
  label: 'Year 1 2019/20',
  periodStart: '2019-04-01',
  periodEnd: '2020-03-31',
  dueDate: '2030-04-30',
} as const;

export async function openCycle(
  call: Call,
  coordinator: Record<string, string>,
  cycle: {
    cycleId: string;
    label: string;
    periodStart: string;
    periodEnd: string;
    dueDate: string;
    /** Sevenoaks unless said: another partnership's coordinator opens one of theirs. */
    partnershipId?: string;
  },
  measureRefs?: string[],
): Promise<string> {
  const drafted = await call('POST', '/cycles', coordinator, {
    partnershipId: 'sevenoaks-lsp',
    planId: 'community-plan-2019-22',
    ...cycle,
    cycleId: cycleNameOf(cycle.cycleId),
  });
  if (drafted.status !== 201) throw new Error(`draft: ${drafted.status} ${JSON.stringify(drafted.body)}`);
  const cycleId = drafted.body.id as string;
  const opened = await call(
    'POST',
    `/cycles/${encodeURIComponent(cycleId)}/open`,
    coordinator,
    measureRefs ? { measureRefs } : {},
  );
  if (opened.status !== 200) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
  return cycleId;
}

/** Submits a return's content as `by` and approves it as `approver`, checking each step answers 200. */
export async function submitAndApprove(
  call: Call,
  returnId: string,
  by: Record<string, string>,
  approver: Record<string, string>,
  content: object,
): Promise<void> {
  const submitted = await call('POST', `/returns/${returnId}/submit`, by, content);
  if (submitted.status !== 200)
    throw new Error(`submit ${returnId}: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const approved = await call('POST', `/returns/${returnId}/approve`, approver);
  if (approved.status !== 200)
    throw new Error(`approve ${returnId}: ${approved.status} ${JSON.stringify(approved.body)}`);
}
