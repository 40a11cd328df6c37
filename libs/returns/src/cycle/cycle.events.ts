export interface RequestedReturn {
  returnId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
}

export type CycleEvent =
  | {
      type: 'CycleDrafted';
      data: {
        cycleId: string;
        partnershipId: string;
        planId: string;
        label: string;
        periodStart: string;
        periodEnd: string;
        dueDate: string;
      };
    }
  | { type: 'CycleOpened'; data: { openedAt: string; returns: RequestedReturn[] } }
  | { type: 'CycleClosed'; data: { forced: boolean; reason: string | null; unresolvedReturnIds: string[] } }
  | { type: 'ReportPublished'; data: { contentHash: string; publishedAt: string } };

export const cycleStreamId = (cycleId: string) => `cycle:${cycleId}`;
