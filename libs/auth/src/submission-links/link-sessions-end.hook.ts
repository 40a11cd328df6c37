import { EventStoreHook, NewEvent, registerEventStoreHook, Sql } from '../../../event-store/src/index.js';

const PARTNERSHIP_STREAM = 'partnership:';
const CYCLE_STREAM = 'cycle:';

/** The contacts an append to a partnership stream removes from the plan, by agency. */
function removedContacts(events: readonly NewEvent[]): { agencyId: string; email: string }[] {
  return events.flatMap((e) => {
    if (e.type !== 'AgencyContactRemoved') return [];
    const data = e.data as { agencyId?: unknown; email?: unknown };
    return typeof data.agencyId === 'string' && typeof data.email === 'string'
      ? [{ agencyId: data.agencyId, email: data.email }]
      : [];
  });
}

const removesContacts = (streamId: string, events: readonly NewEvent[]) =>
  streamId.startsWith(PARTNERSHIP_STREAM) && events.some((e) => e.type === 'AgencyContactRemoved');

const closesCycle = (streamId: string, events: readonly NewEvent[]) =>
  streamId.startsWith(CYCLE_STREAM) && events.some((e) => e.type === 'CycleClosed');

/** The links an append to a cycle stream revokes (one revoked, or an agency's reissued). */
function revokedLinks(streamId: string, events: readonly NewEvent[]): string[] {
  if (!streamId.startsWith(CYCLE_STREAM)) return [];
  return events.flatMap((e) => {
    const linkId = (e.data as { linkId?: unknown } | undefined)?.linkId;
    return e.type === 'SubmissionLinkRevoked' && typeof linkId === 'string' ? [linkId] : [];
  });
}

/**
 * Ends the sessions links opened, in the very transaction whose events take away what the link stood for: the
 * link revoked (alone, or with its agency's links reissued), its contact removed from the plan, whichever way the
 * plan changed (its page, a plan file imported on a page, through the API or by `plan:import`), or its cycle
 * closed. A use of the link is appended at the version it read and makes its session in its own transaction, so
 * a session is either made before this and ended by it, or refused (SubmissionLinkService). Their links no longer open (SubmissionLinkService), and
 * someone who has left the agency, or a cycle that is over, must not go on being written to for the hours a
 * session lasts. A hook rather than each caller's afterthought, so that a new way to change the plan or close a
 * cycle cannot forget it; it holds nothing apart and changes no event.
 */
export const LINK_SESSIONS_END_HOOK: EventStoreHook = {
  name: 'link-sessions-end',
  appliesTo: (streamId, events) =>
    removesContacts(streamId, events) ||
    closesCycle(streamId, events) ||
    revokedLinks(streamId, events).length > 0,
  async storing(streamId, events, sql: Sql) {
    const revoked = revokedLinks(streamId, events);
    if (revoked.length > 0) {
      await sql.query('DELETE FROM sessions WHERE link_id = ANY($1::text[])', [revoked]);
    }
    if (closesCycle(streamId, events)) {
      await sql.query('DELETE FROM sessions WHERE cycle_id = $1 AND link_id IS NOT NULL', [
        streamId.slice(CYCLE_STREAM.length),
      ]);
    }
    const removed = removesContacts(streamId, events) ? removedContacts(events) : [];
    if (removed.length > 0) {
      await sql.query(
        `DELETE FROM sessions s
         USING unnest($2::text[], $3::text[]) AS gone(agency_id, email)
         WHERE s.partnership_id = $1 AND s.link_id IS NOT NULL
           AND s.agency_id = gone.agency_id AND lower(s.actor_id) = lower(gone.email)`,
        [
          streamId.slice(PARTNERSHIP_STREAM.length),
          removed.map((c) => c.agencyId),
          removed.map((c) => c.email),
        ],
      );
    }
    return events;
  },
  reading: async (events) => events,
};

registerEventStoreHook(LINK_SESSIONS_END_HOOK);
