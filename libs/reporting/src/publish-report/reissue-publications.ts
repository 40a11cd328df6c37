import { EntityManager } from 'typeorm';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { EventStore, metadataFor } from '../../../event-store/src/index.js';
import { cycleStreamId, CycleRepository, decideCycle } from '../../../returns/src/index.js';
import type { ReissuedPublication } from '../redact-passage/redact-passage.command.js';
import { contentHash } from './content-hash.js';
import { PublishedReports } from './published-reports.js';

/**
 * Each publication of the cycle whose bytes `rewritten` changes (null: left as it is) is published again as
 * rewritten: a new publication, with new bytes, a new hash and its own ReportPublished. The old publication's
 * bytes are deleted, and its hash is kept with the reason. This runs in the caller's transaction. A redaction
 * takes a passage out this way, and a forgetting takes out a person.
 */
export async function reissuePublications(
  deps: { store: EventStore; cycles: CycleRepository; published: PublishedReports },
  manager: EntityManager,
  envelope: CommandEnvelope,
  cycleId: string,
  rewritten: (body: string) => string | null,
  reason: string,
  now: Date,
): Promise<ReissuedPublication[]> {
  const { store, cycles, published } = deps;
  const held = (await published.withBytes(cycleId, manager)).flatMap((p) => {
    const body = rewritten(p.body);
    return body === null ? [] : [{ old: p, body }];
  });
  if (held.length === 0) return [];
  // On the caller's connection, which holds its transaction: asking the pool for another, a redaction or a
  // forgetting waited for one that other requests held, while it held its own (503 after the pool's 10 s).
  const { state } = await cycles.load(cycleId, undefined, manager);
  let version = (await store.streamVersion(cycleStreamId(cycleId), manager)) ?? 0;
  const reissued: ReissuedPublication[] = [];
  for (const { old, body } of held) {
    const hash = contentHash(body);
    // A publication printed its measures' last-updated days only when its coordinator chose so.
    const lastUpdatedDates = body.includes('"lastUpdated":');
    const events = decideCycle(
      {
        type: 'PublishReport',
        actor: envelope.actor,
        now,
        contentHash: hash,
        lastUpdatedDates,
        reissue: true,
      },
      state,
    );
    ({ nextExpectedVersion: version } = await store.append(
      cycleStreamId(cycleId),
      version,
      events,
      metadataFor(envelope, `Re-issues publication ${old.publication} redacted: ${reason}`),
      { recordedAt: now },
      manager,
    ));
    const publication = await published.next(cycleId, manager);
    await published.insert(manager, {
      cycleId,
      partnershipId: state.status === 'none' ? '' : state.partnershipId,
      publication,
      contentHash: hash,
      body,
      publishedAt: now,
      publishedBy: envelope.actor.id,
      // The re-issue is the same report with the passage taken out: it points at the log as the original did.
      logDigest: old.logDigest,
    });
    await published.deleteBytes(manager, cycleId, old.publication, {
      reason,
      at: now,
      reissuedAs: publication,
    });
    reissued.push({
      publication: old.publication,
      contentHash: old.contentHash,
      reissuedAs: publication,
      reissuedContentHash: hash,
    });
  }
  return reissued;
}
