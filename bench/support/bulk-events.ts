import { DataSource } from 'typeorm';
import { NARRATIVES, COMMENTS } from './sample-events.js';

export interface BulkCycles {
  partnershipId: string;
  planId: string;
  /** What each cycle requests: one return per measure. */
  measures: readonly { ref: string; themeId: string; agencyId: string }[];
  /** Cycle ids are `${cyclePrefix}-${n}` for n from `firstCycle`. */
  cyclePrefix: string;
  firstCycle?: number;
  cycles: number;
  /** Called after each cycle with the events written so far. */
  onProgress?: (events: number) => void;
}

/** Events a cycle of `measures` returns takes in the event log (see bulkCycles). */
export const eventsPerCycle = (measures: number) => 3 + 4 * measures;

const LEAD = 'priya.shah@example.org';
const REVIEWER = 'rita@sevenoaks.example.org';
const COORDINATOR = 'cora@sevenoaks.example.org';

/**
 * Writes whole monitoring cycles straight into the event store's tables with set-based SQL, in the shapes the
 * commands record (libs/returns), far faster than running the commands: per cycle `CycleDrafted` and
 * `CycleOpened` with one `ReturnRequested` per measure (one transaction, as OpenCycle does), then every return's
 * `ReturnDraftSaved`, `ReturnSubmitted` and `ReturnApproved` (about 500 bytes of content each, one transaction
 * per step across the cycle), then `CycleClosed`. Streams rows are kept in step. Returns the events written.
 */
export async function bulkCycles(dataSource: DataSource, spec: BulkCycles): Promise<number> {
  const measures = JSON.stringify(spec.measures);
  const first = spec.firstCycle ?? 1;
  let written = 0;
  for (let n = first; n < first + spec.cycles; n++) {
    const cycleId = `${spec.cyclePrefix}-${n}`;
    // A quarter per cycle, from April 2019: recorded_at grows with the log as real events would.
    const opened = new Date(Date.UTC(2019, 3 + 3 * (n - 1), 1, 9));
    const params = [cycleId, spec.partnershipId, spec.planId, measures, opened.toISOString()];
    await dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO events (stream_id, version, type, schema_version, data, metadata, recorded_at)
         VALUES
           ('cycle:' || $1, 1, 'CycleDrafted', 1, jsonb_build_object('cycleId', $1::text, 'partnershipId', $2::text,
              'planId', $3::text, 'label', 'Quarter ' || $1, 'periodStart', to_char($5::timestamptz, 'YYYY-MM-DD'),
              'periodEnd', to_char($5::timestamptz + interval '3 months' - interval '1 day', 'YYYY-MM-DD'),
              'dueDate', to_char($5::timestamptz + interval '4 months', 'YYYY-MM-DD')),
            ${metadata(COORDINATOR, 'coordinator')}, $5::timestamptz),
           ('cycle:' || $1, 2, 'CycleOpened', 1, jsonb_build_object('openedAt', $5::text, 'returns',
              (SELECT jsonb_agg(jsonb_build_object('returnId', $1 || '.' || (value->>'ref'), 'measureRef',
                 value->>'ref', 'themeId', value->>'themeId', 'agencyId', value->>'agencyId') ORDER BY ord)
               FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS t(value, ord))),
            ${metadata(COORDINATOR, 'coordinator')}, $5::timestamptz)`,
        params,
      );
      await m.query(
        `INSERT INTO events (stream_id, version, type, schema_version, data, metadata, recorded_at)
         SELECT 'return:' || $1 || '.' || (value->>'ref'), 1, 'ReturnRequested', 1,
                jsonb_build_object('returnId', $1 || '.' || (value->>'ref'), 'cycleId', $1::text,
                  'partnershipId', $2::text, 'planId', $3::text, 'measureRef', value->>'ref',
                  'themeId', value->>'themeId', 'agencyId', value->>'agencyId',
                  'dueDate', to_char($5::timestamptz + interval '4 months', 'YYYY-MM-DD')),
                ${metadata(COORDINATOR, 'coordinator')}, $5::timestamptz
         FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS t(value, ord) ORDER BY ord`,
        params,
      );
      await m.query(
        `INSERT INTO streams (stream_id, version)
         SELECT 'return:' || $1 || '.' || (value->>'ref'), 1 FROM jsonb_array_elements($2::jsonb)
         UNION ALL SELECT 'cycle:' || $1, 2`,
        [cycleId, measures],
      );
    });
    const steps: [number, string, string, string, string][] = [
      [2, 'ReturnDraftSaved', LEAD, 'agency-lead', '20 days'],
      [3, 'ReturnSubmitted', LEAD, 'agency-lead', '40 days'],
      [4, 'ReturnApproved', REVIEWER, 'reviewer', '50 days'],
    ];
    for (const [version, type, by, role, after] of steps) {
      await dataSource.transaction(async (m) => {
        await m.query(
          `INSERT INTO events (stream_id, version, type, schema_version, data, metadata, recorded_at)
           SELECT 'return:' || $1 || '.' || (value->>'ref'), $3::int, $4::text, 1,
                  jsonb_build_object('content', jsonb_build_object(
                      'rag', (ARRAY['green', 'amber', 'red', 'green'])[1 + ord % 4],
                      'narrative', ($7::text[])[1 + ord % cardinality($7::text[])],
                      'dot', (ARRAY['improving', 'no-change', 'declining', 'new'])[1 + ord % 4],
                      'comments', ($8::text[])[1 + ord % cardinality($8::text[])],
                      'tables', '[]'::jsonb, 'caseStudies', '[]'::jsonb),
                    'by', $5::text)
                  || CASE WHEN $4 = 'ReturnSubmitted' THEN jsonb_build_object('late', ord % 7 = 0) ELSE '{}' END,
                  ${metadata('$5', '$6', true)},
                  $9::timestamptz + $10::interval + ord * interval '1 second'
           FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(value, ord) ORDER BY ord`,
          [cycleId, measures, version, type, by, role, NARRATIVES, COMMENTS, opened.toISOString(), after],
        );
        await m.query(
          `UPDATE streams SET version = $3 WHERE stream_id IN
             (SELECT 'return:' || $1 || '.' || (value->>'ref') FROM jsonb_array_elements($2::jsonb))`,
          [cycleId, measures, version],
        );
      });
    }
    await dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO events (stream_id, version, type, schema_version, data, metadata, recorded_at)
         VALUES ('cycle:' || $1, 3, 'CycleClosed', 1, '{"forced": false, "reason": null, "unresolvedReturnIds": []}',
                 ${metadata(COORDINATOR, 'coordinator')}, $2::timestamptz + interval '80 days')`,
        [cycleId, opened.toISOString()],
      );
      await m.query(`UPDATE streams SET version = 3 WHERE stream_id = 'cycle:' || $1`, [cycleId]);
    });
    written += eventsPerCycle(spec.measures.length);
    spec.onProgress?.(written);
  }
  return written;
}

/** The metadata commands record: actor, role, a correlation id per event, no causation. */
function metadata(actor: string, role: string, placeholders = false): string {
  const a = placeholders ? `${actor}::text` : `'${actor}'`;
  const r = placeholders ? `${role}::text` : `'${role}'`;
  return `jsonb_build_object('actorId', ${a}, 'actorRole', ${r}, 'correlationId', gen_random_uuid()::text,
    'causationId', null)`;
}
