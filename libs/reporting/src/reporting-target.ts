import { StoredEvent } from '../../event-store/src/index.js';
import { EvidenceEventType } from '../../returns/src/index.js';
import { REPORTED_CYCLE_EVENTS } from './project-cycle/project-cycle.js';
import { REPORTED_RETURN_EVENTS } from './project-return/project-return.js';

const RETURN_TYPES = new Set<string>(REPORTED_RETURN_EVENTS);
const CYCLE_TYPES = new Set<string>(REPORTED_CYCLE_EVENTS);
/**
 * Every event of a return's files changes what the report and its exports list: they are projected with the
 * return they belong to (its job reads both streams), so no new job type is needed.
 */
const EVIDENCE_TYPES = new Set<string>([
  'EvidenceAttached',
  'EvidenceRemoved',
  'EvidenceReportChoiceMade',
] satisfies EvidenceEventType[]);

/** The streams whose projection an event calls for: the same rule the outbox relay uses to enqueue jobs. */
export function reportingTargetOf(event: StoredEvent): { kind: 'return' | 'cycle'; id: string } | null {
  if (RETURN_TYPES.has(event.type) && event.streamId.startsWith('return:')) {
    return { kind: 'return', id: event.streamId.slice('return:'.length) };
  }
  if (EVIDENCE_TYPES.has(event.type) && event.streamId.startsWith('evidence:')) {
    return { kind: 'return', id: event.streamId.slice('evidence:'.length) };
  }
  if (CYCLE_TYPES.has(event.type) && event.streamId.startsWith('cycle:')) {
    return { kind: 'cycle', id: event.streamId.slice('cycle:'.length) };
  }
  return null;
}
