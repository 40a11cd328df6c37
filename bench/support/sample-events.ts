import { randomUUID } from 'node:crypto';
import { EventMetadata, NewEvent } from '../../libs/event-store/src/index.js';

const RAGS = ['red', 'amber', 'green'] as const;
const DIRECTIONS = ['improving', 'no-change', 'declining', 'new'] as const;
export const NARRATIVES = [
  'Referrals to the family support hub rose this quarter after the school outreach sessions in Swanley and ' +
    'Edenbridge. Waiting times are still above target because two posts were vacant until late August. Both are now filled and trained.',
  'The number of households in temporary accommodation fell slightly. The new prevention officer started in ' +
    'July and early contact with private landlords has avoided several evictions that would have led to it. Numbers will be reported by ward next quarter, as agreed.',
  'Anti-social behaviour reports are down on the same quarter last year. Joint patrols continued in the town ' +
    'centre; the youth diversion project in Westerham has a waiting list and needs funding after March. A bid is with the police and crime commissioner.',
  'Uptake of the health walks programme recovered after the summer. Volunteer leader numbers are stable but ' +
    'the rural routes around Otford have low attendance and we are reviewing the times and meeting points. Two new volunteer leaders start in October.',
];
const AGENCY_LEAD = 'a6c1d1f2-0d3b-4b8e-9a51-4f1a1c7e2b90';
export const COMMENTS = [
  'Figures for September are provisional until the county dataset is published in November.',
  'Agreed at the theme group meeting; see the minutes of 14 October for the action on vacancies.',
  'Partner data checked against last year; one duplicate referral removed and two late ones added.',
];

/**
 * A pool of ReturnSubmitted events shaped like libs/returns' (`{ content: { rag, narrative, dot, comments }, by,
 * late }`, about 500 bytes of JSON each), built once so that generating data costs neither side anything; each
 * side serialises the same objects at call time.
 */
export function sampleEvents(count = 64): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'ReturnSubmitted',
    schemaVersion: 1,
    data: {
      content: {
        rag: RAGS[i % RAGS.length],
        narrative: NARRATIVES[i % NARRATIVES.length],
        dot: DIRECTIONS[i % DIRECTIONS.length],
        comments: COMMENTS[i % COMMENTS.length],
      },
      by: AGENCY_LEAD,
      late: i % 7 === 0,
    },
  }));
}

export function sampleMetadata(): EventMetadata {
  return {
    actorId: AGENCY_LEAD,
    actorRole: 'agency-lead',
    correlationId: randomUUID(),
  };
}

/** Bytes of JSON per event's data, for the report. */
export function averageDataBytes(events: readonly NewEvent[]): number {
  const total = events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)), 0);
  return Math.round(total / events.length);
}
