import { RETURN_STATUS_TABLES, returnStatusReadModel } from '../../../libs/chasing/src/index.js';
import { EventStore } from '../../../libs/event-store/src/index.js';
import { ReadModel } from '../../../libs/projections/src/index.js';
import { REPORTING_TABLES, reportingReadModel } from '../../../libs/reporting/src/index.js';

/** Every read model of the product: what `npm run projections:rebuild` rebuilds. Add new ones here. */
export function readModels(store: EventStore): ReadModel[] {
  return [reportingReadModel(store), returnStatusReadModel()];
}

/** Every read model's tables, as readModels has them. */
export const READ_MODEL_TABLES: readonly string[] = [...REPORTING_TABLES, ...RETURN_STATUS_TABLES];
