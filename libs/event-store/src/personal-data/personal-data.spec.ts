import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { EventMetadata } from '../event.js';
import { EventStore } from '../event-store.js';
import { sealExistingEvents } from '../migrations/1765092400000-personal-data.js';
import { erasePerson } from './erase-person.js';
import { ERASED } from './personal-cipher.js';
import { PersonalKeys } from './personal-keys.js';

const JO = 'Jo.Smith@Police.example.org';
const AL = 'al@council.example.org';
const lead = (email: string): EventMetadata => ({
  actorId: email,
  actorRole: 'agency-lead',
  correlationId: 'c-1',
});
const staff: EventMetadata = {
  actorId: '6f1c0d1e-8d0e-4c1e-9a55-2b7b1f3b7a10',
  actorRole: 'coordinator',
  correlationId: 'c',
};

describe('personal data in the log (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  const keys = new PersonalKeys();
  const everything = async () =>
    (await db.dataSource.query(`SELECT string_agg(data::text || metadata::text, ' ') AS text FROM events`))[0]
      .text as string;

  beforeAll(async () => {
    db = await createTestDatabase('personal_data');
    store = new EventStore(db.dataSource);
    await store.append(
      'partnership:lsp',
      'no_stream',
      [
        {
          type: 'AgencyContactAdded',
          data: { agencyId: 'police', email: JO, name: 'Jo Smith', role: 'lead' },
        },
        { type: 'AgencyContactAdded', data: { agencyId: 'kcc', email: AL, name: 'Al Jones', role: 'lead' } },
        { type: 'AgencyAdded', data: { agencyId: 'kcc', name: 'Kent County Council' } },
      ],
      staff,
    );
    await store.append(
      'chase:lsp~y1:police',
      'no_stream',
      [
        {
          type: 'AgencyChased',
          data: {
            step: 's',
            recipients: [
              { email: JO, role: 'lead' },
              { email: AL, role: 'senior' },
            ],
          },
        },
        { type: 'ReturnEscalated', data: { step: 's', returnIds: ['r'], to: [AL, JO] } },
        { type: 'ReminderSent', data: { key: 's', recipient: JO.toLowerCase(), messageId: '<m@x>' } },
      ],
      staff,
    );
    await store.append(
      'return:lsp~y1.S1',
      'no_stream',
      [{ type: 'ReturnDraftSaved', data: { by: JO } }],
      lead(JO),
    );
  });
  afterAll(() => db.drop());

  it('keeps every name and address out of the rows, and reads them back as they were written', async () => {
    const stored = await everything();
    for (const clear of [JO, JO.toLowerCase(), 'Jo Smith', AL, 'Al Jones'])
      expect(stored).not.toContain(clear);
    // What is not personal stays readable in the row: ids, roles, an agency's name, a staff id.
    expect(stored).toContain('Kent County Council');
    expect(stored).toContain(staff.actorId);

    const [jo, al] = await store.readStream('partnership:lsp');
    expect(jo.data).toEqual({ agencyId: 'police', email: JO, name: 'Jo Smith', role: 'lead' });
    expect(al.data).toMatchObject({ email: AL, name: 'Al Jones' });
    const chase = await store.readStream('chase:lsp~y1:police');
    expect(chase.map((e) => e.data)).toEqual([
      {
        step: 's',
        recipients: [
          { email: JO, role: 'lead' },
          { email: AL, role: 'senior' },
        ],
      },
      { step: 's', returnIds: ['r'], to: [AL, JO] },
      { key: 's', recipient: JO.toLowerCase(), messageId: '<m@x>' },
    ]);
    const [draft] = await store.readStream('return:lsp~y1.S1');
    expect(draft.metadata.actorId).toBe(JO);
    expect(draft.data).toEqual({ by: JO });
  });

  it('gives one person one key however the address is cased, found by a keyed hash, not the address', async () => {
    const people: { n: number }[] = await db.dataSource.query(`SELECT count(*)::int AS n FROM personal_keys`);
    expect(people[0].n).toBe(2);
    const jo = await keys.personOf(db.dataSource, JO.toUpperCase());
    expect(jo).toEqual(expect.any(String));
    const lookups: { lookup: string }[] = await db.dataSource.query('SELECT lookup FROM personal_keys');
    expect(lookups.map((l) => l.lookup).join(' ')).not.toMatch(/police|council/i);
  });

  it('makes each new person a key of their own, 32 bytes, when several arrive at once', async () => {
    const emails = ['new-a@example.org', 'new-b@example.org', 'new-c@example.org'];
    const made = await keys.forEmails(db.dataSource, emails);
    const stored: { key: Buffer }[] = await db.dataSource.query(
      'SELECT key FROM personal_keys WHERE person_id = ANY($1::uuid[])',
      [[...made.values()].map((k) => k.personId)],
    );
    expect(stored.map((r) => r.key.length)).toEqual([32, 32, 32]);
    expect(new Set(stored.map((r) => r.key.toString('hex'))).size).toBe(3);
    expect(new Set([...made.values()].map((k) => k.key.toString('hex'))).size).toBe(3);
  });

  it('reads a forgotten person as [erased] everywhere, and leaves everyone else as they were', async () => {
    const before = await everything();
    const jo = (await keys.personOf(db.dataSource, JO))!;
    const done = await db.dataSource.transaction((m) =>
      erasePerson(m, keys, ['lsp'], jo, 'asked to be forgotten', new Date()),
    );
    expect(done.erased).toBe(true);
    expect(await everything()).toBe(before); // no event row rewritten

    const [joContact, alContact] = await store.readStream('partnership:lsp');
    expect(joContact.data).toEqual({ agencyId: 'police', email: ERASED, name: ERASED, role: 'lead' });
    expect(alContact.data).toMatchObject({ email: AL, name: 'Al Jones' });
    const chase = await store.readStream('chase:lsp~y1:police');
    expect(chase.map((e) => e.data)).toEqual([
      {
        step: 's',
        recipients: [
          { email: ERASED, role: 'lead' },
          { email: AL, role: 'senior' },
        ],
      },
      { step: 's', returnIds: ['r'], to: [AL, ERASED] },
      { key: 's', recipient: ERASED, messageId: '<m@x>' },
    ]);
    const { events } = await store.readAll({ transactionId: '0', globalPosition: 0 }, 100);
    const lastDraft = events.find((e) => e.type === 'ReturnDraftSaved')!;
    expect(lastDraft.metadata.actorId).toBe(ERASED);

    // The address is no longer known: written again, it is a new person with a new key.
    expect(await keys.personOf(db.dataSource, JO)).toBeNull();
    const row: { erased_reason: string; key: Buffer | null; lookup: string | null }[] =
      await db.dataSource.query('SELECT erased_reason, key, lookup FROM personal_keys WHERE person_id = $1', [
        jo,
      ]);
    expect(row[0]).toEqual({ erased_reason: 'asked to be forgotten', key: null, lookup: null });
    expect((await erasePerson(db.dataSource, keys, ['lsp'], jo, 'again', new Date())).erased).toBe(false);
  });

  it('erases the copies kept outside the log: the address anywhere in a value, the name as a whole value', async () => {
    await db.dataSource.query(
      `CREATE TABLE copies (id int PRIMARY KEY, handle text UNIQUE, who text, note text, doc jsonb, tags text[])`,
    );
    await db.dataSource.query(
      `INSERT INTO copies VALUES
        (1, 'h1', 'Bo Brown', 'mail to bo@x.example.org sent', '{"to": ["BO@x.example.org"], "name": "Bo Brown"}',
         '{bo@x.example.org,other}'),
        (2, 'bo@x.example.org', 'Bo Browning stays', 'Bo Brown wrote', '{"name": "Bo Browning"}', '{}'),
        (3, '[erased]', 'someone', 'forgotten before', '{}', '{}')`,
    );
    await store.append(
      'partnership:lsp',
      'any',
      [
        {
          type: 'AgencyContactAdded',
          data: { agencyId: 'kcc', email: 'bo@x.example.org', name: 'Bo Brown', role: 'senior' },
        },
      ],
      staff,
    );
    const bo = (await keys.personOf(db.dataSource, 'bo@x.example.org'))!;
    const done = await db.dataSource.transaction((m) =>
      erasePerson(m, keys, ['lsp'], bo, 'left', new Date()),
    );
    expect(done.erased).toBe(true);
    const rows = await db.dataSource.query(`SELECT id, handle, who, note, doc, tags FROM copies ORDER BY id`);
    // Row 2's handle would have become a second [erased] under a unique rule: the row is deleted instead. A name
    // inside other words ("Bo Browning", "Bo Brown wrote") is not taken for theirs.
    expect(rows).toEqual([
      {
        id: 1,
        handle: 'h1',
        who: ERASED,
        note: `mail to ${ERASED} sent`,
        doc: { to: [ERASED], name: ERASED },
        tags: [ERASED, 'other'],
      },
      { id: 3, handle: ERASED, who: 'someone', note: 'forgotten before', doc: {}, tags: [] },
    ]);
  });

  it('erases only what is the forgetting partnership’s: its rows, whole addresses, and names only beside them', async () => {
    await db.dataSource.query(
      `CREATE TABLE owned (id int PRIMARY KEY, partnership_id text, who text, note text, doc jsonb)`,
    );
    await db.dataSource.query(`CREATE TABLE loose (id int PRIMARY KEY, status text, note text)`);
    await db.dataSource.query(
      `INSERT INTO owned VALUES
        (1, 'lsp', 'Cy Cole', 'to cy@x.example.org.', '{"by": "Cy Cole"}'),
        (2, 'other-lsp', 'Cy Cole', 'to cy@x.example.org', '{"by": "Cy Cole"}'),
        (3, 'lsp', 'lsp', 'reviewer.cy@x.example.org and cy@x.example.org.uk', '{}')`,
    );
    await db.dataSource.query(
      `INSERT INTO loose VALUES (1, 'Cy Cole', 'cy@x.example.org wrote'), (2, 'Cy Cole', 'someone else'),
        (3, 'submitted', 'lsp'), (4, 'sent', 'Dear Cy Cole, write to cy@x.example.org (not Cy Coleman)')`,
    );
    await store.append(
      'partnership:lsp',
      'any',
      [
        {
          type: 'AgencyContactAdded',
          data: { agencyId: 'kcc', email: 'cy@x.example.org', name: 'Cy Cole', role: 'senior' },
        },
      ],
      staff,
    );
    const cy = (await keys.personOf(db.dataSource, 'cy@x.example.org'))!;
    // Names a coordinator might give a contact to rewrite others' rows: a status, a partnership's id.
    await db.dataSource.transaction((m) =>
      erasePerson(m, keys, ['lsp'], cy, 'left', new Date(), ['submitted', 'lsp', 'other-lsp']),
    );
    expect(
      await db.dataSource.query(`SELECT id, partnership_id, who, note, doc FROM owned ORDER BY id`),
    ).toEqual([
      // The sentence's full stop is not part of the address.
      { id: 1, partnership_id: 'lsp', who: ERASED, note: `to ${ERASED}.`, doc: { by: ERASED } },
      // Another partnership's row is not this coordinator's to change.
      {
        id: 2,
        partnership_id: 'other-lsp',
        who: 'Cy Cole',
        note: 'to cy@x.example.org',
        doc: { by: 'Cy Cole' },
      },
      // Longer addresses that hold theirs are other people's; an id is never a name.
      {
        id: 3,
        partnership_id: 'lsp',
        who: ERASED,
        note: 'reviewer.cy@x.example.org and cy@x.example.org.uk',
        doc: {},
      },
    ]);
    // A table that does not say whose its rows are: their name only beside their address.
    expect(await db.dataSource.query(`SELECT id, status, note FROM loose ORDER BY id`)).toEqual([
      { id: 1, status: ERASED, note: `${ERASED} wrote` },
      { id: 2, status: 'Cy Cole', note: 'someone else' },
      { id: 3, status: 'submitted', note: 'lsp' },
      // A caught mail to them: their name inside its text too, as a whole word.
      { id: 4, status: 'sent', note: `Dear ${ERASED}, write to ${ERASED} (not Cy Coleman)` },
    ]);
  });

  it('seals the rows written before sealing existed (the one-off migration), once', async () => {
    await db.dataSource.query(
      `INSERT INTO events (stream_id, version, type, data, metadata) VALUES
        ('old:1', 1, 'AgencyContactAdded', $1, $2)`,
      [
        JSON.stringify({ agencyId: 'csp', email: 'old@csp.example.org', name: 'Olly Old', role: 'lead' }),
        JSON.stringify(lead('old@csp.example.org')),
      ],
    );
    expect(await sealExistingEvents(db.dataSource)).toBe(1);
    expect(await sealExistingEvents(db.dataSource)).toBe(0);
    expect(await everything()).not.toMatch(/old@csp|Olly Old/);
    const [old] = await store.readStream('old:1');
    expect(old.data).toMatchObject({ email: 'old@csp.example.org', name: 'Olly Old' });
    expect(old.metadata.actorId).toBe('old@csp.example.org');
  });

  it('erases their name in a caught mail whose only copy of their address is its recipients (a text[])', async () => {
    await db.dataSource.query(
      `INSERT INTO dev_mail (mail_from, rcpt_to, subject, text_body, html_body) VALUES
        ('returns@x.example.org', ARRAY['di@x.example.org'], 'Your returns', 'Dear Di Dunn,\nyour link', '<p>Dear Di Dunn,</p>'),
        ('returns@x.example.org', ARRAY['someone@x.example.org'], 'Digest', 'Di Dunn submitted', NULL)`,
    );
    await store.append(
      'partnership:lsp',
      'any',
      [
        {
          type: 'AgencyContactAdded',
          data: { agencyId: 'kcc', email: 'di@x.example.org', name: 'Di Dunn', role: 'lead' },
        },
      ],
      staff,
    );
    const di = (await keys.personOf(db.dataSource, 'di@x.example.org'))!;
    await db.dataSource.transaction((m) => erasePerson(m, keys, ['lsp'], di, 'left', new Date(), []));
    expect(
      await db.dataSource.query(`SELECT rcpt_to, text_body, html_body FROM dev_mail ORDER BY id`),
    ).toEqual([
      { rcpt_to: [ERASED], text_body: `Dear ${ERASED},\nyour link`, html_body: `<p>Dear ${ERASED},</p>` },
      // A mail to someone else that names them is not about them by its address: free text, as documented.
      { rcpt_to: ['someone@x.example.org'], text_body: 'Di Dunn submitted', html_body: null },
    ]);
  });
});
