import { Logger } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { OutboxRelay } from '../../apps/worker/src/outbox-relay.service.js';
import { ReturnStatusProjection } from '../../apps/worker/src/return-status.service.js';
import { ParkedEvents } from '../../libs/event-store/src/index.js';
import { QUEUES } from '../../libs/queues/src/index.js';
import type { Product } from './product.js';

/**
 * Issue 10: "no processor has a parked or failing event". One place that says whether the worker has dealt with
 * every event stored so far: each checkpointed processor past the last event, no batch that failed on the way
 * (even one retried later), no BullMQ job failed for good, and no event parked. Start watching before the run,
 * ask for the trouble after it; [] means none.
 */
export interface ProcessorWatch {
  /** Every problem found, each a line for the test's failure message; waits up to `timeoutMs` to catch up. */
  trouble(product: Product, timeoutMs?: number): Promise<string[]>;
  stop(): void;
}

export function watchProcessors(): ProcessorWatch {
  // Processors log a failing batch through Nest's Logger under the context "Processor:<name>".
  const spy = jest.spyOn(Logger.prototype, 'error');
  const failedBatches = () =>
    spy.mock.calls.flatMap((args, i) => {
      const context = (spy.mock.contexts[i] as { context?: string } | undefined)?.context ?? '';
      return context.startsWith('Processor:') ? [`${context} logged: ${String(args[0])}`] : [];
    });
  return {
    async trouble(product, timeoutMs = 20_000) {
      const behind = await processorsBehind(product, timeoutMs);
      return [
        ...behind,
        ...failedBatches(),
        ...(await failedJobs(product)),
        ...(await parkedEvents(product)),
      ];
    },
    stop: () => spy.mockRestore(),
  };
}

/** Each processor that has not passed the last stored event within `timeoutMs`, with how far behind it is. */
async function processorsBehind(product: Product, timeoutMs: number): Promise<string[]> {
  const sql = product.db.dataSource;
  const running = [OutboxRelay, ReturnStatusProjection].map((p) => product.worker.get(p).processor.name);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows: { name: string; behind: string }[] = await sql.query(
      `SELECT n.name, (SELECT count(*) FROM events e
                        WHERE c.name IS NULL OR (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
                      ) AS behind
         FROM (SELECT unnest($1::text[]) AS name UNION SELECT name FROM processor_checkpoints) n
         LEFT JOIN processor_checkpoints c ON c.name = n.name`,
      [running],
    );
    const late = rows.filter((r) => Number(r.behind) > 0);
    if (late.length === 0) return [];
    if (Date.now() > deadline)
      return late.map((r) => `processor ${r.name} is ${r.behind} event(s) behind the last one`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Jobs BullMQ gave up on: a reporting or chase job that fails on an event is a processor failing on it. */
async function failedJobs(product: Product): Promise<string[]> {
  const problems: string[] = [];
  for (const name of Object.values(QUEUES)) {
    const queue = product.worker.get<Queue>(getQueueToken(name), { strict: false });
    const failed = await queue.getFailed(0, 4);
    for (const job of failed) problems.push(`queue ${name}: job ${job.id} failed: ${job.failedReason}`);
  }
  return problems;
}

/** Events a processor holds back: failed and waiting for another try, or parked for an operator. */
async function parkedEvents(product: Product): Promise<string[]> {
  const held = await new ParkedEvents(product.db.dataSource).list();
  return held.map(
    (h) =>
      `${h.processor} holds event ${h.globalPosition} (${h.type} in ${h.streamId}), ${h.state}: ${h.error}`,
  );
}
