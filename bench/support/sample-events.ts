import { randomUUID } from 'node:crypto';
import { EventMetadata, NewEvent } from '../../libs/event-store/src/index.js';

const RAGS = ['red', 'amber', 'green'] as const;
const DIRECTIONS = ['improving', 'no change', 'worsening'] as const;
const NARRATIVES = [
  'Referrals to the family support hub rose this quarter after the school outreach sessions in Swanley and ' +
    'Edenbridge. Waiting times are still above target because two posts were vacant until late August.',
  'The number of households in temporary accommodation fell slightly. The new prevention officer started in ' +
    'July and early contact with private landlords has avoided several evictions that would have led to it.',
  'Anti-social behaviour reports are down on the same quarter last year. Joint patrols continued in the town ' +
    'centre; the youth diversion project in Westerham has a waiting list and needs funding after March.',
  'Uptake of the health walks programme recovered after the summer. Volunteer leader numbers are stable but ' +
    'the rural routes around Otford have low attendance and we are reviewing the times and meeting points.',
];
const COMMENTS = [
  'Figures for September are provisional until the county dataset is published.',
  'Agreed at the theme group meeting; see minutes for the action on vacancies.',
  'Partner data checked against last year; one duplicate referral removed.',
];

/**
 * A pool of ReturnSubmitted-like events (about 500 bytes of JSON each), built once so that generating data costs
 * the product and the baseline nothing; each side serialises the same objects at call time.
 */
export function sampleEvents(count = 64): NewEvent[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'ReturnSubmitted',
    schemaVersion: 1,
    data: {
      returnId: randomUUID(),
      measureRef: `KSM-${String((i % 40) + 1).padStart(2, '0')}`,
      agencyId: 'sevenoaks-dc',
      period: '2026-Q3',
      rag: RAGS[i % RAGS.length],
      dot: DIRECTIONS[i % DIRECTIONS.length],
      narrative: NARRATIVES[i % NARRATIVES.length],
      comments: COMMENTS[i % COMMENTS.length],
    },
  }));
}

export function sampleMetadata(): EventMetadata {
  return {
    actorId: 'a6c1d1f2-0d3b-4b8e-9a51-4f1a1c7e2b90',
    actorRole: 'agency-lead',
    correlationId: randomUUID(),
  };
}

/** Bytes of JSON per event's data, for the report. */
export function averageDataBytes(events: readonly NewEvent[]): number {
  const total = events.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e.data)), 0);
  return Math.round(total / events.length);
}
