import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';
import { runScript, ScriptCommand } from './support/run-script.js';

/** Issue 17 point 1: `npm run log:digest` and `npm run log:verify`, as the operator runs them. */
describe('npm run log:digest and log:verify (e2e, real PostgreSQL)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  const meta = { actorId: 'coordinator-1', actorRole: 'coordinator', correlationId: 'c-1' };

  const run = (command: ScriptCommand, args: string[]) => runScript(command, env, args);

  beforeAll(async () => {
    db = await createTestDatabase('log_verify');
    env = { DATABASE_URL: db.url };
    const store = new EventStore(db.dataSource);
    await store.append(
      'return:y1:S1',
      'no_stream',
      [{ type: 'ReturnDraftSaved', data: { rag: 'amber' } }],
      meta,
    );
    await store.append('return:y1:S1', 1, [{ type: 'ReturnSubmitted', data: { rag: 'green' } }], meta);
    await store.append(
      'return:y1:C3',
      'no_stream',
      [{ type: 'ReturnDraftSaved', data: { rag: 'red' } }],
      meta,
    );
  });
  afterAll(() => db.drop());

  it('prints nothing but says why before the first checkpoint', async () => {
    expect(await run(logDigest, [])).toMatchObject({
      code: 1,
      out: '',
      err: expect.stringContaining('no checkpoint yet'),
    });
  });

  it('prints the digest, verifies against it, and names the event a later UPDATE changed', async () => {
    const digest = await run(logDigest, ['--checkpoint']);
    expect(digest.code).toBe(0);
    const printed = JSON.parse(digest.out) as { root: string; fence: string; position: number; at: string };
    expect(printed).toEqual({
      root: expect.stringMatching(/^[0-9a-f]{64}$/),
      fence: expect.stringMatching(/^\d+$/),
      position: 3,
      streams: 2,
      at: expect.any(String),
    });

    const clean = await run(logVerify, ['--digest', digest.out]);
    expect(clean).toMatchObject({ code: 0, out: expect.stringContaining('Verified 4 events') });
    expect(clean.err).toContain('verified 4 of 4 events');
    expect(await run(logVerify, [`--digest=${printed.root}`])).toMatchObject({ code: 0 });

    await db.dataSource.query(
      `UPDATE events SET data = '{"rag": "green"}' WHERE stream_id = 'return:y1:S1' AND version = 1`,
    );
    const [{ position }] = await db.dataSource.query(
      `SELECT global_position::int AS position FROM events WHERE stream_id = 'return:y1:S1' AND version = 1`,
    );
    const tampered = await run(logVerify, ['--digest', digest.out]);
    expect(tampered.code).toBe(1);
    expect(tampered.out).toContain(`global position ${position}, stream return:y1:S1, version 1`);
  });

  it('refuses a missing or malformed digest with the usage', async () => {
    expect(await run(logVerify, [])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--digest is required'),
    });
    // The digest's shell variable left empty: named as such, not as an unknown argument.
    expect(await run(logVerify, ['--digest'])).toMatchObject({
      code: 2,
      err: expect.stringContaining(
        'log:verify: --digest needs the digest after it\nUsage: npm run log:verify',
      ),
    });
    expect(await run(logVerify, ['--digest', 'not-a-digest'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('Usage: npm run log:verify'),
    });
    expect(await run(logDigest, ['--now'])).toMatchObject({ code: 2 });
  });
});
