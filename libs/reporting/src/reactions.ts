import { StoredEvent } from '../../event-store/src/index.js';
import {
  JOBS,
  OutboxJob,
  ProjectCycleJob,
  ProjectReturnJob,
  QUEUES,
  Reaction,
} from '../../queues/src/index.js';
import { reportingTargetOf } from './reporting-target.js';

/** The report's projection jobs: the same rule decides what a rebuild replays (see reportingTargetOf). */
function reportingJobsFor(event: StoredEvent): OutboxJob[] {
  const target = reportingTargetOf(event);
  if (!target) return [];
  const eventPosition = event.globalPosition;
  const [name, data]: [string, ProjectReturnJob | ProjectCycleJob] =
    target.kind === 'return'
      ? [JOBS.projectReturn, { returnId: target.id, eventPosition }]
      : [JOBS.projectCycle, { cycleId: target.id, eventPosition }];
  return [{ queue: QUEUES.reporting, name, data, jobId: `project-${eventPosition}` }];
}

/** Which jobs an event causes for reporting. */
export const REPORTING_REACTIONS: readonly Reaction[] = [reportingJobsFor];
