import { EventMetadata, EventStore } from '../../libs/event-store/src/index.js';

/**
 * A small open cycle written as the commands write it, for chasing's own tests: partnership p1 with two agencies
 * (police: M1 and M2, council: M3), each with a lead contact, due 2026-11-16, opened 2026-11-02.
 */
export const CHASE_CYCLE = 'p1-y1';
export const LEADS = { police: 'lead@police.example.org', council: 'lead@council.example.org' };

const meta: EventMetadata = { actorId: 'test', actorRole: 'coordinator', correlationId: 'chase-cycle' };
const returnOf = (ref: string, agencyId: string) => ({
  returnId: `${CHASE_CYCLE}.${ref}`,
  measureRef: ref,
  themeId: 't1',
  agencyId,
});
const RETURNS = [returnOf('M1', 'police'), returnOf('M2', 'police'), returnOf('M3', 'council')];

export async function openChaseCycle(store: EventStore): Promise<void> {
  await store.append(
    'partnership:p1',
    'no_stream',
    [
      { type: 'PartnershipRegistered', data: { partnershipId: 'p1', name: 'Partnership One' } },
      ...Object.entries(LEADS).flatMap(([agencyId, email]) => [
        { type: 'AgencyAdded', data: { agencyId, name: agencyId === 'police' ? 'Police' : 'Council' } },
        { type: 'AgencyContactAdded', data: { agencyId, email, name: `Lead of ${agencyId}`, role: 'lead' } },
      ]),
    ],
    meta,
  );
  await store.append(
    'plan:p1:plan1',
    'no_stream',
    [
      {
        type: 'PlanAdopted',
        data: {
          partnershipId: 'p1',
          planId: 'plan1',
          title: 'Plan',
          periodStart: '2026-04-01',
          periodEnd: '2027-03-31',
        },
      },
      ...['M1', 'M2', 'M3'].map((ref, position) => ({
        type: 'MeasureAdded',
        data: {
          ref,
          themeId: 't1',
          text: `Measure ${ref}`,
          leadAgencyId: 'police',
          priorityRef: null,
          position,
        },
      })),
    ],
    meta,
  );
  await store.append(
    `cycle:${CHASE_CYCLE}`,
    'no_stream',
    [
      {
        type: 'CycleDrafted',
        data: {
          cycleId: CHASE_CYCLE,
          partnershipId: 'p1',
          planId: 'plan1',
          label: 'Year 1',
          periodStart: '2026-04-01',
          periodEnd: '2027-03-31',
          dueDate: '2026-11-16',
        },
      },
      { type: 'CycleOpened', data: { openedAt: '2026-11-02T09:00:00.000Z', returns: RETURNS } },
    ],
    meta,
  );
  for (const r of RETURNS) {
    await store.append(
      `return:${r.returnId}`,
      'no_stream',
      [
        {
          type: 'ReturnRequested',
          data: { ...r, cycleId: CHASE_CYCLE, partnershipId: 'p1', planId: 'plan1', dueDate: '2026-11-16' },
        },
      ],
      meta,
    );
  }
}
