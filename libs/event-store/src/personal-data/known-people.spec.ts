import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { EventMetadata } from '../event.js';
import { EventStore } from '../event-store.js';
import { ERASED } from './personal-cipher.js';
import { withKnownPeople } from './known-people.js';
import { PersonalKeys } from './personal-keys.js';

const LEAD = 'Lead@Police.example.org';
const OTHER = 'other@council.example.org';
const by = (email: string, correlationId: string): EventMetadata => ({
  actorId: email,
  actorRole: 'agency-lead',
  correlationId,
});

/**
 * Within one unit of work (an HTTP request: see configure-app.ts), an append names people the work has already
 * read without asking personal_keys again; outside one, and for anyone not read, it asks as before; a person
 * forgotten within the work is asked for afresh.
 */
describe('people a request has already read (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  /** Statements on personal_keys since the last reset, by the DataSource the store uses. */
  let keyQueries: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('known_people');
    const query = db.dataSource.query.bind(db.dataSource);
    // Counted at the DataSource: the store's reads and its seals outside a transaction go through it.
    (db.dataSource as { query: DataSource['query'] }).query = (async (text: string, params?: unknown[]) => {
      if (/personal_keys/.test(text)) keyQueries.push(text.includes('INSERT') ? 'find or make' : 'read');
      return query(text, params);
    }) as DataSource['query'];
    store = new EventStore(db.dataSource);
    await store.append('return:a', 'no_stream', [{ type: 'ReturnDraftSaved', data: {} }], by(LEAD, 'c-0'));
  });
  afterAll(() => db.drop());

  it('appends naming a person the request read without asking for their key again', async () => {
    keyQueries = [];
    await withKnownPeople(async () => {
      const events = await store.readStream('return:a');
      expect(events[0].metadata.actorId).toBe(LEAD);
      await store.append('return:a', 1, [{ type: 'ReturnSubmitted', data: {} }], by(LEAD, 'c-1'));
    });
    expect(keyQueries).toEqual(['read']);
    // Sealed with the lead's own key, as a query would have found it: the event reads back, and one person.
    expect((await store.readStream('return:a')).map((e) => e.metadata.actorId)).toEqual([LEAD, LEAD]);
    const [{ people }] = await db.dataSource.query('SELECT count(*)::int AS people FROM personal_keys');
    expect(people).toBe(1);
  });

  it('asks for anyone the request has not read, and asks every time outside a request', async () => {
    keyQueries = [];
    await withKnownPeople(async () => {
      await store.readStream('return:a');
      await store.append('return:a', 'any', [{ type: 'ReturnDraftSaved', data: {} }], by(OTHER, 'c-2'));
      // The one it made is known from then on.
      await store.append('return:a', 'any', [{ type: 'ReturnDraftSaved', data: {} }], by(OTHER, 'c-3'));
    });
    expect(keyQueries).toEqual(['read', 'find or make']);
    keyQueries = [];
    await store.readStream('return:a');
    await store.append('return:a', 'any', [{ type: 'ReturnDraftSaved', data: {} }], by(LEAD, 'c-4'));
    expect(keyQueries).toEqual(['read', 'find or make']);
  });

  it('asks afresh for a person forgotten within the request: the address is a new person', async () => {
    const keys = new PersonalKeys();
    await withKnownPeople(async () => {
      await store.readStream('return:a');
      const person = await keys.personOf(db.dataSource, OTHER);
      expect(await keys.erase(db.dataSource, person!, 'asked to be forgotten', new Date())).toBe(true);
      keyQueries = [];
      await store.append('return:a', 'any', [{ type: 'ReturnDraftSaved', data: {} }], by(OTHER, 'c-5'));
      expect(keyQueries).toEqual(['find or make']);
    });
    const events = await store.readStream('return:a');
    const actors = events.map((e) => e.metadata.actorId);
    // The two written before the erasure read [erased]; the one after is the new person's, and reads.
    expect(actors.slice(-4)).toEqual([ERASED, ERASED, LEAD, OTHER]);
  });
});
