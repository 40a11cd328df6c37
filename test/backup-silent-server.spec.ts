import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backup } from '../scripts/backup.js';
import { restore } from '../scripts/restore.js';
import { runScript } from './support/run-script.js';

/**
 * An operator's probe: `npm run backup` and `npm run restore` pointed at a PostgreSQL that takes connections and
 * never answers (stopped, a network gone silent) waited without end, where the api, the worker and the other
 * scripts say in 5 s that it cannot be reached. They now say the same, in one line, and exit 1.
 */
describe('npm run backup and restore against a server that never answers', () => {
  let server: Server;
  let url: string;
  let dir: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `postgres://postgres@127.0.0.1:${(server.address() as { port: number }).port}/partner_returns`;
    dir = mkdtempSync(join(tmpdir(), 'pr-silent-'));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const within = <T>(ms: number, work: Promise<T>) =>
    Promise.race([
      work,
      new Promise<string>((resolve) => setTimeout(() => resolve(`still waiting after ${ms} ms`), ms)),
    ]);

  it.each([
    ['backup', () => runScript(backup, { DATABASE_URL: url }, ['--file', join(dir, 'x.dump')])],
    ['restore', () => runScript(restore, { DATABASE_URL: url }, ['--file', writeFile()])],
  ])(
    '%s: one line naming DATABASE_URL within 10 s, exit 1',
    async (name, run) => {
      const outcome = await within(15_000, run());
      expect(outcome).toEqual({
        code: 1,
        out: '',
        err: `${name}: failed: DATABASE_URL: PostgreSQL at ${new URL(url).host} cannot be reached (no answer within 5 s)\n`,
      });
    },
    30_000,
  );

  const writeFile = () => {
    const file = join(dir, 'some.dump');
    writeFileSync(file, 'x');
    return file;
  };
});
