import {
  ChaseAgency,
  SendChaseMail,
  SendEscalationMail,
  ChaseSnapshots,
  workingCalendarProvider,
  CycleReturns,
  SendReturnNotice,
  SendMessageNotice,
  ScanForChases,
  DigestReaders,
  WindowSubmissions,
  WindowMessages,
  MessageMailPlan,
  SendDigests,
  StaffMailUrls,
  ScanForDigests,
} from '../../../libs/chasing/src/index.js';
import { ChaseScanner, ChaseSchedule } from './chasing.processor.js';
import { ReturnStatusProjection } from './return-status.service.js';

/**
 * The worker's side of chasing (issue 4): read model, scheduler, the chase and notice use cases. The processor is
 * registered by the worker module, with its job lock (chasingProcessorFor).
 */
export const CHASING_PROVIDERS = [
  workingCalendarProvider,
  CycleReturns,
  ChaseSnapshots,
  ScanForChases,
  ChaseAgency,
  SendChaseMail,
  SendEscalationMail,
  SendReturnNotice,
  DigestReaders,
  WindowSubmissions,
  WindowMessages,
  MessageMailPlan,
  SendDigests,
  StaffMailUrls,
  ScanForDigests,
  SendMessageNotice,
  ReturnStatusProjection,
  ChaseScanner,
  ChaseSchedule,
];
