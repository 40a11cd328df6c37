import { EventStoreHook, NewEvent, registerEventStoreHook, Sql } from '../../../event-store/src/index.js';

const PARTNERSHIP_STREAM = 'partnership:';

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

/**
 * Ends the sessions a contact opened with their agency's links, in the very transaction that removes them from the
 * plan, whichever way the plan changed (its page, a plan file imported on a page, through the API or by
 * `plan:import`): their links no longer open (SubmissionLinkService), and someone who has left the agency must not
 * go on writing its returns for the hours a session lasts. A hook rather than each caller's afterthought, so that a
 * new way to change the plan cannot forget it; it holds nothing apart and changes no event.
 */
export const REMOVED_CONTACT_SESSIONS_HOOK: EventStoreHook = {
  name: 'removed-contact-sessions',
  appliesTo: (streamId, events) =>
    streamId.startsWith(PARTNERSHIP_STREAM) && events.some((e) => e.type === 'AgencyContactRemoved'),
  async storing(streamId, events, sql: Sql) {
    const removed = removedContacts(events);
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

registerEventStoreHook(REMOVED_CONTACT_SESSIONS_HOOK);
