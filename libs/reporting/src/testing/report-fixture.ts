import { readableApproval } from '../cycle-report/readable-content.js';
import { ReportInput, ReportedReturn } from '../cycle-report/report-input.js';

/** A small plan (two themes, five measures) and a cycle of it, for the report's unit tests. */
export function reportInput(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    cycle: {
      cycleId: 'y1',
      partnershipId: 'lsp',
      planId: 'plan',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      status: 'open',
    },
    partnershipName: 'Sevenoaks District LSP',
    agencyNames: new Map([
      ['csp', 'Community Safety Partnership'],
      ['sdc', 'Sevenoaks District Council'],
    ]),
    plan: {
      status: 'adopted',
      partnershipId: 'lsp',
      planId: 'plan',
      title: 'Community Plan 2019-22',
      periodStart: '2019-04-01',
      periodEnd: '2022-03-31',
      themes: new Map([
        [
          'caring',
          {
            themeId: 'caring',
            title: 'Caring Communities',
            ambition: '',
            leadAgencyIds: ['sdc'],
            position: 2,
          },
        ],
        [
          'safe',
          {
            themeId: 'safe',
            title: 'Safe Communities',
            ambition: 'A safer place to live work and travel',
            leadAgencyIds: ['csp'],
            position: 1,
          },
        ],
      ]),
      priorities: new Map([
        ['S-P2', { ref: 'S-P2', themeId: 'safe', text: 'Keep crime low', position: 2 }],
        ['S-P1', { ref: 'S-P1', themeId: 'safe', text: 'Deliver the CSP plan', position: 1 }],
      ]),
      measures: new Map(
        [
          ['S1', 'safe', 'csp', 1],
          ['S2', 'safe', 'csp', 2],
          ['S3', 'safe', 'sdc', 3],
          ['C1', 'caring', 'sdc', 4],
          ['C2', 'caring', 'sdc', 5],
        ].map(([ref, themeId, leadAgencyId, position]) => [
          ref as string,
          {
            ref: ref as string,
            themeId: themeId as string,
            text: `Measure ${ref}`,
            leadAgencyId: leadAgencyId as string,
            priorityRef: null,
            position: position as number,
          },
        ]),
      ),
    },
    returns: [],
    pastCycles: [],
    asAt: null,
    ...overrides,
  };
}

export function approved(
  measureRef: string,
  themeId: string,
  agencyId: string,
  /** Stored content: anything, as the log may hold it. */
  content: unknown,
  extra: Partial<ReportedReturn> = {},
): ReportedReturn {
  return {
    returnId: `y1.${measureRef}`,
    measureRef,
    themeId,
    agencyId,
    withdrawn: false,
    approved: {
      ...readableApproval({ content, by: 'rita@example.org' }),
      at: new Date('2020-04-20T10:00:00Z'),
      version: 3,
    },
    ...extra,
  };
}

export function awaiting(measureRef: string, themeId: string, agencyId: string): ReportedReturn {
  return { returnId: `y1.${measureRef}`, measureRef, themeId, agencyId, withdrawn: false, approved: null };
}
