import { StoredEvent } from '../../event-store/src/index.js';
import { EvidenceEventType } from '../../returns/src/index.js';
import { REPORTED_CYCLE_EVENTS } from './project-cycle/project-cycle.js';
import { REPORTED_AGENCY_EVENTS } from './project-plan/reported-agencies.js';
import { REPORTED_PLAN_EVENTS } from './project-plan/reported-plan.js';
import { REPORTED_RETURN_EVENTS } from './project-return/project-return.js';

const RETURN_TYPES = new Set<string>(REPORTED_RETURN_EVENTS);
const CYCLE_TYPES = new Set<string>(REPORTED_CYCLE_EVENTS);
const PLAN_TYPES = new Set<string>(REPORTED_PLAN_EVENTS);
const AGENCY_TYPES = new Set<string>(REPORTED_AGENCY_EVENTS);
/**
 * Every event of a return's files changes what the report and its exports list: they are projected with the
 * return they belong to (its job reads both streams), so no new job type is needed.
 */
const EVIDENCE_TYPES = new Set<string>([
  'EvidenceAttached',
  'EvidenceRemoved',
  'EvidenceReportChoiceMade',
] satisfies EvidenceEventType[]);

/**
 * The stream whose projection an event calls for. A plan's and a partnership's streams are projected whole (the
 * plan's themes and measures, the agencies' names): their id is the stream's.
 */
export function reportingTargetOf(
  event: StoredEvent,
): { kind: 'return' | 'cycle' | 'plan' | 'partnership'; id: string } | null {
  if (RETURN_TYPES.has(event.type) && event.streamId.startsWith('return:')) {
    return { kind: 'return', id: event.streamId.slice('return:'.length) };
  }
  if (EVIDENCE_TYPES.has(event.type) && event.streamId.startsWith('evidence:')) {
    return { kind: 'return', id: event.streamId.slice('evidence:'.length) };
  }
  if (CYCLE_TYPES.has(event.type) && event.streamId.startsWith('cycle:')) {
    return { kind: 'cycle', id: event.streamId.slice('cycle:'.length) };
  }
  if (PLAN_TYPES.has(event.type) && event.streamId.startsWith('plan:')) {
    return { kind: 'plan', id: event.streamId };
  }
  if (AGENCY_TYPES.has(event.type) && event.streamId.startsWith('partnership:')) {
    return { kind: 'partnership', id: event.streamId };
  }
  return null;
}
