import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { ConcurrencyError, EventMetadata, EventStore } from '../../../event-store/src/index.js';
import { ReturnTexts1765092500000 } from '../migrations/1765092500000-return-texts.js';
import { AppendixTexts1765210000000 } from '../migrations/1765210000000-appendix-texts.js';
import { MessageTexts1765260000000 } from '../migrations/1765260000000-message-texts.js';
import { ReasonTexts1765260000100 } from '../migrations/1765260000100-reason-texts.js';
import { CycleReasonTexts1765270000000 } from '../migrations/1765270000000-cycle-reason-texts.js';
import { EvidenceReasonTexts1765270000100 } from '../migrations/1765270000100-evidence-reason-texts.js';
import { MESSAGE_TEXT_FIELD } from './message-texts-hook.js';
import { redactHeldTexts, studyRefs } from './appendix-texts.js';
import { ReturnContent } from '../return/return-content.js';
import { redactTexts } from './return-texts.table.js';
import { RETURN_TEXTS_HOOK } from './return-texts-hook.js';

const meta: EventMetadata = { actorId: 'lead', actorRole: 'agency-lead', correlationId: 'texts' };
const NAME = 'Jamie Example';
const content: ReturnContent = {
  rag: 'green',
  narrative: `Our mentor worked with ${NAME} all year.`,
  comments: `${NAME} now has a job.`,
  caseStudies: [
    {
      title: `${NAME}'s story`,
      agency: 'KCC',
      sections: [{ heading: 'The beginning', body: `${NAME} left school at 16.` }],
    },
  ],
};

describe('RETURN_TEXTS_HOOK: the free texts of returns held apart by every EventStore (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('return_texts');
    // A plain store, as scripts, benchmarks and tests build one: the hook is on it because this lib is loaded.
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db.drop());

  const rawData = async (streamId: string): Promise<string> =>
    (
      await db.dataSource.query(`SELECT string_agg(data::text, ' ') AS d FROM events WHERE stream_id = $1`, [
        streamId,
      ])
    )[0].d;

  it('stores refs in the event and reads the texts back through every read', async () => {
    await store.append(
      'return:c1.S1',
      'no_stream',
      [{ type: 'ReturnDraftSaved', data: { content, by: 'l' } }],
      meta,
    );
    expect(await rawData('return:c1.S1')).not.toContain(NAME);
    expect(await rawData('return:c1.S1')).toContain('textId');
    const [one] = await store.readStream('return:c1.S1');
    expect(one.data).toEqual({ content, by: 'l' });
    const many = await store.readStreams(['return:c1.S1']);
    expect(many.get('return:c1.S1')![0].data).toEqual({ content, by: 'l' });
    const { events } = await store.readStreamWithTypesOf('return:c1.S1', 'cycle:c1');
    expect(events[0].data).toEqual({ content, by: 'l' });
    const positions = await store.readPositions([one.globalPosition]);
    expect(positions[0].data).toEqual({ content, by: 'l' });
    const tails = await store.readStreamTails(new Map([['return:c1.S1', 1]]));
    expect(tails.get('return:c1.S1')![0].data).toEqual({ content, by: 'l' });
    const all = await store.readAll({ transactionId: '0', globalPosition: 0 }, 100);
    expect(all.events.find((e) => e.streamId === 'return:c1.S1')!.data).toEqual({ content, by: 'l' });
  });

  it('is on every EventStore unless a store is given its own hooks', async () => {
    await store.append(
      'return:c1.S3',
      'no_stream',
      [{ type: 'ReturnSubmitted', data: { content, by: 'l', late: false } }],
      meta,
    );
    const [held] = await new EventStore(db.dataSource, undefined, { hooks: [RETURN_TEXTS_HOOK] }).readStream(
      'return:c1.S3',
    );
    expect(held.data).toEqual({ content, by: 'l', late: false });
    // Without the hook the event reads as stored: refs in place of the texts.
    const [bare] = await new EventStore(db.dataSource, undefined, { hooks: [] }).readStream('return:c1.S3');
    const bareContent = (bare.data as { content: Record<string, unknown> }).content;
    expect(bareContent.narrative).toEqual({ textId: expect.any(String) });
    expect(bareContent.rag).toBe('green');
  });

  it('writes the texts and the event together or not at all', async () => {
    await store.append(
      'return:c1.S4',
      'no_stream',
      [{ type: 'ReturnDraftSaved', data: { content, by: 'l' } }],
      meta,
    );
    const texts = async (): Promise<number> =>
      (await db.dataSource.query(`SELECT count(*)::int AS n FROM return_texts WHERE return_id = 'c1.S4'`))[0]
        .n;
    const before = await texts();
    // A stale version: the append is refused, and the texts it would have held are not left behind.
    await expect(
      store.append(
        'return:c1.S4',
        'no_stream',
        [{ type: 'ReturnDraftSaved', data: { content, by: 'l' } }],
        meta,
      ),
    ).rejects.toThrow(ConcurrencyError);
    expect(await texts()).toBe(before);
  });

  it('reads a redacted passage as [redacted] in every version of the field, the event rows unchanged', async () => {
    const id = 'return:c1.S2';
    await store.append(id, 'no_stream', [{ type: 'ReturnDraftSaved', data: { content, by: 'l' } }], meta);
    await store.append(id, 1, [{ type: 'ReturnSubmitted', data: { content, by: 'l', late: false } }], meta);
    const before = await rawData(id);
    expect(await redactTexts(db.dataSource, 'c1.S2', 'narrative', NAME)).toBe(2);
    expect(await rawData(id)).toBe(before);
    const events = await store.readStream(id);
    for (const e of events) {
      const read = (e.data as { content: ReturnContent }).content;
      expect(read.narrative).toBe('Our mentor worked with [redacted] all year.');
      // Other fields keep it until they are redacted too.
      expect(read.comments).toBe(content.comments);
    }
    expect(await redactTexts(db.dataSource, 'c1.S2', 'caseStudies', NAME)).toBe(4);
    const [draft] = await store.readStream(id);
    expect((draft.data as { content: ReturnContent }).content.caseStudies).toEqual([
      {
        title: "[redacted]'s story",
        agency: 'KCC',
        sections: [{ heading: 'The beginning', body: '[redacted] left school at 16.' }],
      },
    ]);
  });

  it('leaves events of other streams and types as they are', async () => {
    await store.append(
      'cycle:c9',
      'no_stream',
      [{ type: 'ReturnDraftSaved', data: { content, by: 'l' } }],
      meta,
    );
    expect(await rawData('cycle:c9')).toContain(NAME);
  });

  it('moves the texts of events written before out of them (the migration), and reads them the same', async () => {
    // A store without the hook writes texts inline, as every store did before they were held apart.
    const plain = new EventStore(db.dataSource, undefined, { hooks: [] });
    await plain.append(
      'return:c2.S1',
      'no_stream',
      [{ type: 'ReturnApproved', data: { content, by: 'r' } }],
      meta,
    );
    expect(await rawData('return:c2.S1')).toContain(NAME);
    // A malformed event of long ago (content that is not an object) is kept as it is.
    await plain.append(
      'return:c2.S2',
      'no_stream',
      [{ type: 'ReturnDraftSaved', data: { content: NAME } }],
      meta,
    );
    const runner = db.dataSource.createQueryRunner();
    try {
      // Down puts every text back into its event (as it now reads), up moves them all out again.
      await new ReturnTexts1765092500000().down(runner);
      expect(await rawData('return:c1.S1')).toContain(NAME);
      expect(await rawData('return:c1.S2')).not.toContain('textId');
      await new ReturnTexts1765092500000().up(runner);
    } finally {
      await runner.release();
    }
    for (const id of ['return:c1.S1', 'return:c1.S2', 'return:c2.S1']) {
      expect(await rawData(id)).not.toContain(NAME);
      expect(await rawData(id)).not.toContain('[redacted]');
    }
    expect(await rawData('return:c2.S2')).toBe(JSON.stringify({ content: NAME }).replace(':', ': '));
    const [approved] = await store.readStream('return:c2.S1');
    expect(approved.data).toEqual({ content, by: 'r' });
    const [redacted] = await store.readStream('return:c1.S2');
    expect((redacted.data as { content: ReturnContent }).content.narrative).toContain('[redacted]');
  });

  it('holds an appendix study’s title and section bodies apart, moves earlier ones out, and redacts one part', async () => {
    const study = {
      title: `${NAME}, Year 14`,
      organisation: 'Broomhill Bank School',
      sections: [{ heading: 'Background', body: `${NAME} joined.` }],
    };
    // The test before ran ReturnTexts down and up again, which made return_texts as it was before this migration.
    const runner = db.dataSource.createQueryRunner();
    // As TypeORM runs a migration: in a transaction (it locks the log while it rewrites rows).
    const migrate = async (step: 'up' | 'down') => {
      await runner.startTransaction();
      await new AppendixTexts1765210000000()[step](runner);
      await runner.commitTransaction();
    };
    await migrate('up');
    await store.append(
      'appendices:c3',
      'no_stream',
      [{ type: 'AppendixCaseStudyAdded', data: { appendixId: 'appendix-1', caseStudyId: 'study-1', study } }],
      meta,
    );
    expect(await rawData('appendices:c3')).not.toContain(NAME);
    expect((await store.readStream('appendices:c3'))[0].data).toMatchObject({ study });
    // One written before texts were held apart, moved out by the migration (down puts them all back first).
    await new EventStore(db.dataSource, undefined, { hooks: [] }).append(
      'appendices:c4',
      'no_stream',
      [{ type: 'AppendixCaseStudyAdded', data: { appendixId: 'appendix-1', caseStudyId: 'study-1', study } }],
      meta,
    );
    expect(await rawData('appendices:c4')).toContain(NAME);
    try {
      await migrate('down');
      expect(await rawData('appendices:c3')).toContain(NAME);
      await migrate('up');
    } finally {
      await runner.release();
    }
    for (const id of ['appendices:c3', 'appendices:c4']) {
      expect(await rawData(id)).not.toContain(NAME);
      expect((await store.readStream(id))[0].data).toMatchObject({ study });
    }
    // The body (section 0) only: the title keeps the name until it is redacted too.
    const [row] = await db.dataSource.query(`SELECT data FROM events WHERE stream_id = 'appendices:c4'`);
    const ids = studyRefs(row.data.study)
      .filter((r) => r.part === 0)
      .map((r) => r.textId);
    expect(await redactHeldTexts(db.dataSource, ids, NAME)).toBe(1);
    const [read] = await store.readStream('appendices:c4');
    expect(read.data).toMatchObject({
      study: { title: study.title, sections: [{ heading: 'Background', body: '[redacted] joined.' }] },
    });
  });

  it('holds a message’s body apart from now on, reads it back, and puts it back inline when migrated down', async () => {
    // The tests before ran ReturnTexts down and up, which made return_texts as it was before messages were held.
    const runner = db.dataSource.createQueryRunner();
    const migrate = async (step: 'up' | 'down') => {
      await runner.startTransaction();
      await new MessageTexts1765260000000()[step](runner);
      await runner.commitTransaction();
    };
    const posted = {
      messageId: 'm1',
      returnId: 'c5.S1',
      body: `We placed ${NAME} with a mentor.`,
      author: 'staff-1',
      authorRole: 'reviewer',
      agencyId: null,
      changeRequest: false,
      answers: null,
      postedAt: '2020-04-20T10:15:00.000Z',
    };
    try {
      await migrate('up');
      await store.append(
        'conversation:c5.S1',
        'no_stream',
        [{ type: 'ReturnMessagePosted', data: posted }],
        meta,
      );
      expect(await rawData('conversation:c5.S1')).not.toContain(NAME);
      expect((await store.readStream('conversation:c5.S1'))[0].data).toEqual(posted);
      const [row] = await db.dataSource.query(
        `SELECT data->'body'->>'textId' AS id FROM events WHERE stream_id = 'conversation:c5.S1'`,
      );
      expect(await redactHeldTexts(db.dataSource, [row.id], NAME)).toBe(1);
      const read = (await store.readStream('conversation:c5.S1'))[0].data as { body: string };
      expect(read.body).toBe('We placed [redacted] with a mentor.');
      // Down puts the body back into its event as it now reads, redaction kept, and the rows go.
      await migrate('down');
      expect(await rawData('conversation:c5.S1')).toContain('We placed [redacted] with a mentor.');
      const [{ n }] = await db.dataSource.query(
        `SELECT count(*)::int AS n FROM return_texts WHERE field = $1`,
        [MESSAGE_TEXT_FIELD],
      );
      expect(n).toBe(0);
    } finally {
      await runner.release();
    }
  });
  it('holds a cycle’s reasons and a file’s removal reason apart from now on, and puts them back inline when migrated down', async () => {
    // The tests before left return_texts as it was before messages were held: each later migration in turn.
    const runner = db.dataSource.createQueryRunner();
    const later = [
      new MessageTexts1765260000000(),
      new ReasonTexts1765260000100(),
      new CycleReasonTexts1765270000000(),
      new EvidenceReasonTexts1765270000100(),
    ];
    const migrate = async (step: 'up' | 'down') => {
      await runner.startTransaction();
      for (const m of step === 'up' ? later : [...later].reverse()) await m[step](runner);
      await runner.commitTransaction();
    };
    const closed = { forced: true, reason: `Not waiting for ${NAME}`, unresolvedReturnIds: ['c6.S1'] };
    const revoked = { linkId: 'l1', reason: `${NAME} left` };
    const removed = { evidenceId: 'e1', reason: `It shows ${NAME}`, removedAt: '2020-04-20T10:15:00.000Z' };
    try {
      await migrate('up');
      await store.append(
        'cycle:c6',
        'no_stream',
        [
          { type: 'SubmissionLinkRevoked', data: revoked },
          { type: 'CycleClosed', data: closed },
          // An unforced close gives no reason: null is kept as it is.
          { type: 'CycleClosed', data: { forced: false, reason: null, unresolvedReturnIds: [] } },
        ],
        meta,
      );
      await store.append('evidence:c6.S1', 'no_stream', [{ type: 'EvidenceRemoved', data: removed }], meta);
      expect(await rawData('cycle:c6')).not.toContain(NAME);
      expect(await rawData('evidence:c6.S1')).not.toContain(NAME);
      const cycle = await store.readStream('cycle:c6');
      expect(cycle.map((e) => e.data)).toEqual([
        revoked,
        closed,
        { forced: false, reason: null, unresolvedReturnIds: [] },
      ]);
      expect((await store.readStream('evidence:c6.S1'))[0].data).toEqual(removed);
      expect(await redactTexts(db.dataSource, 'c6', 'cycleReasons', NAME)).toBe(2);
      expect(await redactTexts(db.dataSource, 'c6.S1', 'evidenceReasons', NAME)).toBe(1);
      // Down puts each reason back into its event as it now reads, redaction kept, and the rows go.
      await migrate('down');
      expect(await rawData('cycle:c6')).toContain('Not waiting for [redacted]');
      expect(await rawData('evidence:c6.S1')).toContain('It shows [redacted]');
      const [{ n }] = await db.dataSource.query(
        `SELECT count(*)::int AS n FROM return_texts WHERE field IN ('cycleReasons', 'evidenceReasons')`,
      );
      expect(n).toBe(0);
    } finally {
      await runner.release();
    }
  });
});
