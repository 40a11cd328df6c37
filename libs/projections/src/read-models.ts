import { EntityManager } from 'typeorm';
import {
  projectReturnStatus,
  RETURN_STATUS_PROCESSOR,
  RETURN_STATUS_TABLES,
} from '../../chasing/src/return-status/return-status.projection.js';
import { EventStore, StoredEvent } from '../../event-store/src/index.js';
import { reportingReadModel } from '../../reporting/src/reporting-read-model.js';
import { ReadModel } from './read-model.js';

/** Every read model of the product: what `npm run projections:rebuild` rebuilds. Add new ones here. */
export function readModels(store: EventStore): ReadModel[] {
  return [reportingReadModel(store), returnStatusReadModel()];
}

/**
 * The chase scheduler's return-status model (issue 4), kept by the worker's `return-status` processor. The
 * rebuild's TRUNCATE makes that processor's next batch wait; its checkpoint is moved to the replay's end.
 */
function returnStatusReadModel(): ReadModel {
  return {
    name: 'return-status',
    tables: RETURN_STATUS_TABLES,
    processor: RETURN_STATUS_PROCESSOR,
    lockForRebuild: async () => undefined,
    apply: (events: readonly StoredEvent[], manager: EntityManager) =>
      projectReturnStatus([...events], manager),
  };
}
