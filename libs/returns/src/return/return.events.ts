import { ReturnContent } from './return-content.js';

export type ReturnEvent =
  | {
      type: 'ReturnRequested';
      data: {
        returnId: string;
        cycleId: string;
        partnershipId: string;
        planId: string;
        measureRef: string;
        themeId: string;
        agencyId: string;
        dueDate: string;
      };
    }
  | { type: 'ReturnDraftSaved'; data: { content: ReturnContent; by: string } }
  | { type: 'ReturnSubmitted'; data: { content: ReturnContent; by: string; late: boolean } }
  | { type: 'ReturnApproved'; data: { content: ReturnContent; by: string } }
  | { type: 'ReturnSentBack'; data: { reason: string } }
  | { type: 'ReturnReopened'; data: { reason: string } }
  | { type: 'DeadlineExtended'; data: { dueDate: string; reason: string } }
  | { type: 'ReturnReassigned'; data: { fromAgencyId: string; toAgencyId: string; reason: string } }
  | { type: 'ReturnWithdrawn'; data: { reason: string } };

export type ReturnEventType = ReturnEvent['type'];

export const returnStreamId = (returnId: string) => `return:${returnId}`;
export const returnIdFor = (cycleId: string, measureRef: string) => `${cycleId}.${measureRef}`;
