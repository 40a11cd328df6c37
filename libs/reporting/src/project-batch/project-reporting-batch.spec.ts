import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { EventMetadata, EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { projectCycle } from '../project-cycle/project-cycle.js';
import { projectReturn } from '../project-return/project-return.js';
import { projectReportingBatch } from './project-reporting-batch.js';
import { ProjectedStreams } from './projected-streams.js';
import { wholeStreamsIn } from './whole-streams.js';

const meta: EventMetadata = { actorId: 'test', actorRole: 'system', correlationId: 'reporting-batch' };
const TABLES = ['report_cycles', 'report_requested_returns', 'report_returns'];
const content = (rag: string) => ({ rag, narrative: `Narrative "${rag}", with\\ and, commas`, tables: [] });

const requested = (returnId: string) => ({
  type: 'ReturnRequested',
  data: {
    returnId,
    cycleId: 'c1',
    partnershipId: 'p1',
    planId: 'plan-1',
    measureRef: `M-${returnId}`,
    themeId: 't1',
    agencyId: 'a1',
    dueDate: '2020-08-01',
  },
});

describe('projectReportingBatch (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('reporting_batch');
    store = new EventStore(db.dataSource);
    const cycle = {
      cycleId: 'c1',
      partnershipId: 'p1',
      planId: 'plan-1',
      label: 'Q1',
      periodStart: '2020-04-01',
      periodEnd: '2020-06-30',
      dueDate: '2020-08-01',
    };
    await store.append(
      'cycle:c1',
      'no_stream',
      [
        { type: 'CycleDrafted', data: cycle },
        { type: 'CycleOpened', data: { openedAt: '2020-04-01T09:00:00.000Z', returns: [] } },
      ],
      meta,
    );
    await store.append('return:r1', 'no_stream', [requested('r1')], meta);
    await store.append(
      'return:r2',
      'no_stream',
      [
        requested('r2'),
        { type: 'ReturnApproved', data: { content: content('green'), by: 'rita' } },
        { type: 'ReturnReopened', data: { reason: 'typo' } },
        { type: 'ReturnApproved', data: { content: content('amber'), by: 'rita' } },
        { type: 'ReturnReassigned', data: { fromAgencyId: 'a1', toAgencyId: 'a2', reason: 'moved' } },
      ],
      meta,
    );
  });
  afterAll(() => db.drop());

  const allEvents = async () =>
    [...(await store.readStreams(['cycle:c1', 'return:r1', 'return:r2'])).values()].flat();
  const rows = async () => {
    const result: Record<string, unknown[]> = {};
    for (const table of TABLES)
      result[table] = await db.dataSource.query(`SELECT * FROM ${table} ORDER BY 1`);
    return result;
  };
  const empty = () => db.dataSource.query(`TRUNCATE ${TABLES.join(', ')}`);

  it('writes the rows a job per stream writes, for every stream of the batch at once', async () => {
    await empty();
    await db.dataSource.transaction(async (m) => {
      await projectCycle(store, m, 'c1');
      await projectReturn(store, m, 'r1');
      await projectReturn(store, m, 'r2');
    });
    const oneByOne = await rows();
    expect(oneByOne.report_returns).toEqual([
      expect.objectContaining({ return_id: 'r2', agency_id: 'a2', rag: 'amber', stream_version: 4 }),
    ]);

    await empty();
    const events = await allEvents();
    await db.dataSource.transaction((m) => projectReportingBatch(store, m, events));
    expect(await rows()).toEqual(oneByOne);

    // A batch holding only the tail of each stream: the rest is read.
    await empty();
    const tails = events.filter(
      (e) => e.streamId === 'cycle:c1' || e.version >= 4 || e.streamId === 'return:r1',
    );
    await db.dataSource.transaction((m) => projectReportingBatch(store, m, tails.slice(1)));
    expect(await rows()).toEqual(oneByOne);
  });

  it('in one replay, skips a stream whose events it has read already, and projects it again once it grew', async () => {
    await empty();
    const projected = new ProjectedStreams();
    const [r1Requested] = (await store.readStreams(['return:r1'])).get('return:r1')!;
    const project = (events: StoredEvent[]) =>
      db.dataSource.transaction((m) => projectReportingBatch(store, m, events, projected));

    await project([r1Requested]);
    expect((await rows()).report_requested_returns).toEqual([expect.objectContaining({ return_id: 'r1' })]);

    await empty();
    await project([r1Requested]);
    expect((await rows()).report_requested_returns).toEqual([]);

    await store.append('return:r1', 1, [{ type: 'ReturnWithdrawn', data: { reason: 'dropped' } }], meta);
    const withdrawn = (await store.readStreams(['return:r1'])).get('return:r1')![1];
    await project([r1Requested, withdrawn]);
    expect((await rows()).report_requested_returns).toEqual([
      expect.objectContaining({ return_id: 'r1', withdrawn: true }),
    ]);
  });
});

describe('ProjectedStreams', () => {
  it('covers the versions up to the last one read, and forgets everything past its cap', () => {
    const projected = new ProjectedStreams(2);
    projected.record('return:a', 3);
    expect([1, 3, 4].map((v) => projected.covers('return:a', v))).toEqual([true, true, false]);
    expect(projected.covers('return:b', 1)).toBe(false);
    projected.record('return:b', 1);
    projected.record('return:c', 1);
    expect(projected.covers('return:a', 1)).toBe(false);
    expect(projected.covers('return:c', 1)).toBe(true);
  });
});

describe('wholeStreamsIn', () => {
  const event = (streamId: string, version: number) => ({ streamId, version }) as StoredEvent;

  it('gives the streams the batch holds from version 1 to their current one, in version order', () => {
    const batch = [event('a', 2), event('b', 2), event('a', 1), event('c', 1), event('d', 1), event('d', 3)];
    const versions = new Map([
      ['a', 2],
      ['b', 2],
      ['c', 2],
      ['d', 3],
    ]);
    const whole = wholeStreamsIn(batch, versions);
    expect([...whole.keys()]).toEqual(['a']);
    expect(whole.get('a')!.map((e) => e.version)).toEqual([1, 2]);
  });
});
