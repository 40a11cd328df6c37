import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { loadConfig } from '../../../config/src/index.js';
import { SystemClock } from '../../../kernel/src/index.js';
import { ERASED, EventStore } from '../../../event-store/src/index.js';
import { Delivery, mailIdOf, MailLedgerService } from './mail-ledger.service.js';
import { MailLeases } from './mail-leases.js';
import { MailSender } from '../mail-sender.js';
import { SmtpSink } from '../../../../test/support/smtp-sink.js';
import { eventually } from '../../../../test/support/eventually.js';

const LEASE_MS = 1_000;

/** The ledger on the real PostgreSQL: leases in their table, outcomes in the log, senders racing. */
describe('MailLedgerService (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let leases: MailLeases;
  let ledger: MailLedgerService;

  beforeAll(async () => {
    db = await createTestDatabase('mail_ledger');
    store = new EventStore(db.dataSource);
    leases = new MailLeases(db.dataSource);
    const config = loadConfig({ MAIL_CLAIM_LEASE_MS: String(LEASE_MS) });
    ledger = new MailLedgerService(store, leases, new SystemClock(), config);
  });
  afterAll(() => db.drop());

  let sends: string[];
  beforeEach(() => {
    sends = [];
  });
  const mail = (streamId: string, sendMs = 0): Delivery => ({
    streamId,
    prefix: 'LinkMail',
    key: 'link-1',
    recipient: 'Lead@Agency.example.org',
    willRetry: true,
    send: async () => {
      sends.push(streamId);
      await new Promise((r) => setTimeout(r, sendMs));
      return { messageId: `<${sends.length}@test>` };
    },
  });
  const types = async (streamId: string) => (await store.readStream(streamId)).map((e) => e.type);

  it('sends once, records claimed then sent, and lets its lease go', async () => {
    const d = mail('link-mail:c:1');
    expect(await ledger.deliverOnce(d, 'c')).toEqual({ outcome: 'sent', messageId: '<1@test>' });
    expect(await ledger.deliverOnce(d, 'c')).toMatchObject({ outcome: 'already', entry: { status: 'sent' } });
    expect(sends).toHaveLength(1);
    expect(await types(d.streamId)).toEqual(['LinkMailClaimed', 'LinkMailSent']);
    expect(await db.dataSource.query('SELECT * FROM mail_leases')).toEqual([]);
  });

  it('keeps a mail from a second sender while the first is still sending, however long it takes', async () => {
    const d = mail('link-mail:c:2', 3 * LEASE_MS);
    const first = ledger.deliverOnce(d, 'c');
    // The second attempt comes while the first waits for its 250, past the lease's first term.
    await new Promise((r) => setTimeout(r, 2 * LEASE_MS));
    const second = await ledger.deliverOnce(d, 'c');
    expect(second.outcome).toBe('in-progress');
    expect(await first).toMatchObject({ outcome: 'sent' });
    expect(await ledger.deliverOnce(d, 'c')).toMatchObject({ outcome: 'already' });
    expect(sends).toHaveLength(1);
    expect(await types(d.streamId)).toEqual(['LinkMailClaimed', 'LinkMailSent']);
  });

  it('takes a mail over once the lease of a sender that died has lapsed, not before', async () => {
    const d = mail('link-mail:c:3');
    // A sender that took the lease, claimed the mail and died: no renewal, no outcome.
    const dead = await leases.acquire(mailIdOf(d), 'dead-worker', LEASE_MS);
    expect(dead.acquired).toBe(true);
    const until = dead.acquired ? dead.expiresAt.toISOString() : '';
    await store.append(
      d.streamId,
      'no_stream',
      [
        {
          type: 'LinkMailClaimed',
          data: { key: d.key, recipient: d.recipient, claimId: 'dead-worker', leaseUntil: until },
        },
      ],
      { actorId: 'worker', actorRole: 'system', correlationId: 'c' },
    );
    const early = await ledger.deliverOnce(d, 'c');
    expect(early).toEqual({ outcome: 'in-progress', until: new Date(until) });
    await new Promise((r) => setTimeout(r, Math.max(0, new Date(until).getTime() - Date.now()) + 50));
    expect(await ledger.deliverOnce(d, 'c')).toMatchObject({ outcome: 'sent' });
    expect(sends).toHaveLength(1);
    expect(await types(d.streamId)).toEqual(['LinkMailClaimed', 'LinkMailClaimed', 'LinkMailSent']);
  });

  it('lets one of many racing senders send', async () => {
    const d = mail('link-mail:c:4', 50);
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => ledger.deliverOnce(d, 'c')));
    expect(sends).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'sent')).toHaveLength(1);
  });

  it('records a permanent failure as the last word and a temporary one as retried', async () => {
    const refuse = (streamId: string, responseCode: number): Delivery => ({
      ...mail(streamId),
      send: () =>
        Promise.reject(Object.assign(new Error('no'), { responseCode, response: `${responseCode} no` })),
    });
    await expect(ledger.deliverOnce(refuse('link-mail:c:5', 550), 'c')).rejects.toThrow(/permanent failure/);
    expect(await ledger.deliverOnce(mail('link-mail:c:5'), 'c')).toMatchObject({ outcome: 'already' });
    await expect(ledger.deliverOnce(refuse('link-mail:c:6', 451), 'c')).rejects.toThrow(/temporary failure/);
    expect(await ledger.deliverOnce(mail('link-mail:c:6'), 'c')).toMatchObject({ outcome: 'sent' });
    expect(sends).toEqual(['link-mail:c:6']);
  });

  it('sends nothing to a forgotten person, and records why as a permanent failure', async () => {
    const d: Delivery = { ...mail('link-mail:c:7'), recipient: ERASED };
    await expect(ledger.deliverOnce(d, 'c')).rejects.toThrow(
      /permanent failure: Not sent: the recipient was forgotten/,
    );
    expect(sends).toEqual([]);
    const [, failed] = await store.readStream(d.streamId);
    expect(failed).toMatchObject({
      type: 'LinkMailDeliveryFailed',
      data: {
        recipient: ERASED,
        permanent: true,
        willRetry: false,
        reason: expect.stringMatching(/forgotten/),
      },
    });
    expect(await ledger.deliverOnce(d, 'c')).toMatchObject({
      outcome: 'already',
      entry: { status: 'failed' },
    });
  });

  describe('deliverMany', () => {
    const many = (streamId: string, recipients: string[]) =>
      recipients.map((recipient) => ({
        ...mail(streamId),
        recipient,
        correlationId: 'c',
        send: async () => {
          sends.push(recipient);
          return { messageId: `<${recipient}>` };
        },
      }));

    /** A batch of link mails through a real SMTP server taking `delayMs` a mail, `connections` at a time. */
    const smtpBatch = async (name: string, recipients: string[], connections: number, delayMs: number) => {
      const sink = new SmtpSink();
      const sender = new MailSender(await sink.start(), 'test@partner-returns.local', connections);
      sink.delayMs = delayMs;
      const batch = recipients.map((recipient, n) => ({
        ...mail(`link-mail:${name}:${n}`),
        recipient,
        correlationId: 'c',
        send: (stillWanted?: () => boolean) =>
          sender.send({ to: recipient, subject: 'Link', text: 'x', html: '<p>x</p>' }, stillWanted),
      }));
      const close = async () => {
        sender.close();
        await sink.stop();
      };
      return { sink, batch, close };
    };
    /** PostgreSQL refuses every sent outcome (as if it had gone): claims are written, sent ones cannot be. */
    const refuseSent = () =>
      db.dataSource.query(`
        CREATE FUNCTION refuse_sent() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN IF NEW.type = 'LinkMailSent' THEN RAISE EXCEPTION 'gone'; END IF; RETURN NEW; END $$;
        CREATE TRIGGER refuse_sent BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_sent();
      `);
    const takeSentAgain = () =>
      db.dataSource.query('DROP TRIGGER refuse_sent ON events; DROP FUNCTION refuse_sent();');
    /**
     * Until every lease on the batch's mails has lapsed by PostgreSQL's clock, the one the leases are taken by
     * (mail-leases.ts): what a fixed wait of a whole lease from the first try's end waited for, without waiting
     * out the part of the lease that try already spent.
     */
    const untilLeasesLapse = (batch: Delivery[]) =>
      eventually(
        async () =>
          (
            await db.dataSource.query(
              'SELECT count(*)::int AS n FROM mail_leases WHERE mail_id = ANY($1) AND expires_at > now()',
              [batch.map(mailIdOf)],
            )
          )[0].n === 0,
        10_000,
      );

    it('sends each mail of a batch once, the outcomes of a stream together, and lets every lease go', async () => {
      const batch = [...many('link-mail:m:1', ['a@x.org', 'b@x.org']), ...many('link-mail:m:2', ['c@x.org'])];
      const outcomes = await ledger.deliverMany(batch);
      expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'sent', 'sent']);
      expect(await ledger.deliverMany(batch)).toMatchObject([
        { outcome: 'already' },
        { outcome: 'already' },
        { outcome: 'already' },
      ]);
      expect(sends.sort()).toEqual(['a@x.org', 'b@x.org', 'c@x.org']);
      expect((await types('link-mail:m:1')).sort()).toEqual([
        'LinkMailClaimed',
        'LinkMailClaimed',
        'LinkMailSent',
        'LinkMailSent',
      ]);
      expect(await db.dataSource.query('SELECT * FROM mail_leases')).toEqual([]);
    });

    it("asks for the recipients' keys once a batch: the outcomes are sealed with those the claims found", async () => {
      // Counted by PostgreSQL: a statement trigger fires for every find-or-make, whether it makes a key or not.
      await db.dataSource.query(`
        CREATE TABLE key_asks (at timestamptz);
        CREATE FUNCTION count_key_ask() RETURNS trigger LANGUAGE plpgsql AS
          $$ BEGIN INSERT INTO key_asks VALUES (now()); RETURN NULL; END $$;
        CREATE TRIGGER count_key_asks AFTER INSERT ON personal_keys FOR EACH STATEMENT EXECUTE FUNCTION count_key_ask();
      `);
      try {
        const batch = [
          ...many('link-mail:k:1', ['k1@x.org', 'k2@x.org']),
          ...many('link-mail:k:2', ['k3@x.org']),
          ...many('link-mail:k:3', ['k4@x.org']),
        ];
        expect((await ledger.deliverMany(batch)).map((o) => o.outcome)).toEqual([
          'sent',
          'sent',
          'sent',
          'sent',
        ]);
        const [{ asks }] = await db.dataSource.query('SELECT count(*)::int AS asks FROM key_asks');
        expect(asks).toBe(1);
        // Each outcome opens with its recipient, sealed with their one key.
        const sent = (await store.readStream('link-mail:k:1')).filter((e) => e.type === 'LinkMailSent');
        expect(sent.map((e) => (e.data as { recipient: string }).recipient).sort()).toEqual([
          'k1@x.org',
          'k2@x.org',
        ]);
      } finally {
        await db.dataSource.query(`
          DROP TRIGGER count_key_asks ON personal_keys; DROP FUNCTION count_key_ask(); DROP TABLE key_asks;
        `);
      }
    });

    it('stops sending the rest of a batch once an outcome cannot be recorded, and sends those later once', async () => {
      // Each mail takes the server 150 ms: the first outcome fails while the second is being sent.
      const recipients = ['s1@x.org', 's2@x.org', 's3@x.org', 's4@x.org', 's5@x.org'];
      const { sink, batch, close } = await smtpBatch('stop', recipients, 1, 150);
      await refuseSent();
      try {
        await expect(ledger.deliverMany(batch)).rejects.toThrow('gone');
        // One connection: the first went, and the second, which had its turn before the first's record failed;
        // the others were held back when their turn came.
        expect(sink.mails.map((m) => m.to).flat()).toEqual(['s1@x.org', 's2@x.org']);
      } finally {
        await takeSentAgain();
      }
      await untilLeasesLapse(batch);
      const later = await ledger.deliverMany(batch);
      expect(later.map((o) => o.outcome)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
      // Those sent and never recorded go again (the ledger's one documented gap); those held back go once.
      expect(
        sink.mails
          .map((m) => m.to)
          .flat()
          .sort(),
      ).toEqual(['s1@x.org', 's1@x.org', 's2@x.org', 's2@x.org', 's3@x.org', 's4@x.org', 's5@x.org']);
      await close();
    });

    it('sends nothing twice through an outage shorter than half a lease: what went out is recorded once it ends', async () => {
      // A lease of 4 s: records are tried again for 2 s after the first fails (they gave up after 0.3 s before).
      const lease = 4_000;
      const patient = new MailLedgerService(
        store,
        leases,
        new SystemClock(),
        loadConfig({ MAIL_CLAIM_LEASE_MS: String(lease) }),
      );
      const recipients = ['o1@x.org', 'o2@x.org', 'o3@x.org', 'o4@x.org'];
      const { sink, batch, close } = await smtpBatch('outage', recipients, 2, 50);
      // PostgreSQL refuses every outcome for 800 ms (as if it had gone and come back), well within half a lease.
      await refuseSent();
      const back = new Promise((r) => setTimeout(r, 800)).then(takeSentAgain);
      const first = await patient.deliverMany(batch);
      await back;
      // What went out before its record failed is recorded once PostgreSQL answers again; the rest were held
      // back while it did not, and go once after their leases lapse.
      const sentFirst = sink.mails.map((m) => m.to).flat();
      expect(sentFirst.length).toBeGreaterThan(0);
      expect(first.filter((o) => o.outcome === 'sent')).toHaveLength(sentFirst.length);
      await untilLeasesLapse(batch);
      const later = await patient.deliverMany(batch);
      expect(later.every((o) => o.outcome === 'sent' || o.outcome === 'already')).toBe(true);
      expect(
        sink.mails
          .map((m) => m.to)
          .flat()
          .sort(),
      ).toEqual(recipients);
      // Each recorded sent once (one held back was claimed again when it went).
      for (let n = 0; n < recipients.length; n++)
        expect((await types(`link-mail:outage:${n}`)).filter((t) => t === 'LinkMailSent')).toHaveLength(1);
      await close();
    });

    it('leaves a mail another sender holds to it, and sends the rest', async () => {
      const [held, free] = many('link-mail:m:3', ['held@x.org', 'free@x.org']);
      const other = await leases.acquire(mailIdOf(held), 'other-worker', 10 * LEASE_MS);
      const outcomes = await ledger.deliverMany([held, free]);
      expect(outcomes[0]).toEqual({
        outcome: 'in-progress',
        until: other.acquired ? other.expiresAt : null,
      });
      expect(outcomes[1]).toMatchObject({ outcome: 'sent' });
      expect(sends).toEqual(['free@x.org']);
      await leases.release(mailIdOf(held), 'other-worker');
    });

    it('records a temporary failure mid-batch without holding the others back; the retry sends only it', async () => {
      let refuse = true;
      const batch = many('link-mail:m:4', ['a@x.org', 'b@x.org', 'c@x.org']).map((d) =>
        d.recipient === 'b@x.org'
          ? {
              ...d,
              send: () =>
                refuse
                  ? Promise.reject(
                      Object.assign(new Error('busy'), { responseCode: 451, response: '451 busy' }),
                    )
                  : d.send(),
            }
          : d,
      );
      const first = await ledger.deliverMany(batch);
      expect(first.map((o) => o.outcome)).toEqual(['sent', 'failed', 'sent']);
      expect(first[1]).toMatchObject({ permanent: false, willRetry: true });
      refuse = false;
      const retry = await ledger.deliverMany(batch);
      expect(retry.map((o) => o.outcome)).toEqual(['already', 'sent', 'already']);
      expect(sends.sort()).toEqual(['a@x.org', 'b@x.org', 'c@x.org']);
      expect(await db.dataSource.query('SELECT * FROM mail_leases')).toEqual([]);
    });

    it('keeps a mail named twice in a batch to one send', async () => {
      const [d] = many('link-mail:m:5', ['twice@x.org']);
      const outcomes = await ledger.deliverMany([d, d]);
      expect(outcomes.map((o) => o.outcome)).toEqual(['sent', 'in-progress']);
      expect(sends).toEqual(['twice@x.org']);
    });
  });

  describe('leases', () => {
    it('renews only the holder’s lease, and prunes only leases lapsed that long', async () => {
      const mailId = 'lease-renewal-check';
      await leases.acquire(mailId, 'holder', LEASE_MS);
      expect(await leases.renew(mailId, 'holder', LEASE_MS)).toBe(true);
      // Taken over (or never held): the holder is told, so it can say its lease was lost.
      expect(await leases.renew(mailId, 'someone-else', LEASE_MS)).toBe(false);
      expect(await leases.prune(24 * 3600_000)).toBe(0);
      await db.dataSource.query(
        `UPDATE mail_leases SET expires_at = now() - interval '2 days' WHERE mail_id = $1`,
        [mailId],
      );
      expect(await leases.prune(24 * 3600_000)).toBe(1);
    });
  });
});
