import { EntityManager } from 'typeorm';
import { StoredEvent } from '../../../event-store/src/index.js';
import type { ReadModel } from '../../../projections/src/index.js';
import {
  projectReturnStatus,
  RETURN_STATUS_PROCESSOR,
  RETURN_STATUS_TABLES,
} from './return-status.projection.js';

/**
 * The chase scheduler's return-status model (issue 4), kept by the worker's `return-status` processor. The
 * rebuild's swap keeps that processor's batches out, and moves its checkpoint to the replay's end.
 */
export function returnStatusReadModel(): ReadModel {
  return {
    name: 'return-status',
    tables: RETURN_STATUS_TABLES,
    processor: RETURN_STATUS_PROCESSOR,
    lockForRebuild: async () => undefined,
    apply: (events: readonly StoredEvent[], manager: EntityManager) =>
      projectReturnStatus([...events], manager),
  };
}
