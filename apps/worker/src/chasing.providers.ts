import { ChaseAgency } from '../../../libs/chasing/src/chase-agency/chase-agency.js';
import { SendChaseMail } from '../../../libs/chasing/src/chase-mail/send-chase-mail.js';
import { ChaseSnapshots } from '../../../libs/chasing/src/chase-snapshot/chase-snapshots.js';
import { workingCalendarProvider } from '../../../libs/chasing/src/calendar/calendar.provider.js';
import { CycleReturns } from '../../../libs/chasing/src/cycle-returns.js';
import { SendReturnNotice } from '../../../libs/chasing/src/notices/send-return-notice.js';
import { ScanForChases } from '../../../libs/chasing/src/scan/scan-for-chases.js';
import { ChaseScanner, ChaseSchedule, ChasingProcessor } from './chasing.processor.js';
import { ReturnStatusProjection } from './return-status.service.js';

/** The worker's side of chasing (issue 4): read model, scheduler, the chase and notice use cases. */
export const CHASING_PROVIDERS = [
  workingCalendarProvider,
  CycleReturns,
  ChaseSnapshots,
  ScanForChases,
  ChaseAgency,
  SendChaseMail,
  SendReturnNotice,
  ReturnStatusProjection,
  ChaseScanner,
  ChaseSchedule,
  ChasingProcessor,
];
