import express from 'express';
import type { AddressInfo } from 'node:net';
import { connect, Socket } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DomainError } from '../../kernel/src/index.js';
import {
  finishStreamedUpload,
  LINGER_MS,
  readStreamedUpload,
  streamedFileUpload,
  StreamedUploadRequest,
  UPLOAD_MAX_FIELDS,
} from './streamed-upload.js';

/**
 * A client that goes on writing an upload the server has already refused must still read the refusal: the
 * server's close may not be a reset that overtakes its answer. The client here reads nothing until it has written
 * again after the refusal, which is the order a busy client (a test process, a slow laptop) can meet them in.
 */
describe('finishStreamedUpload', () => {
  const LIMIT = 1024 * 1024;
  let server: Server;
  let port: number;
  let refusals = 0;

  beforeAll(async () => {
    const app = express();
    app.post('/upload', (req, res) => {
      finishStreamedUpload(req, res);
      readStreamedUpload(req, { fileField: 'file', maxFileBytes: LIMIT, sizeInWords: '1 MB' })
        .then(async (upload) => {
          // The store's rule: refused as the file passes the limit, without reading the rest.
          let size = 0;
          for await (const chunk of upload.file!.content) {
            size += (chunk as Buffer).length;
            if (size > LIMIT) break;
          }
          res.on('finish', () => refusals++);
          res.status(422).type('application/problem+json').send('{"code":"file-too-large"}');
        })
        .catch(() => res.status(400).end());
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const boundary = 'spec-boundary';
  const head =
    'POST /upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n' +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\n\r\n`;
  const chunk = (data: Buffer | string) => {
    const bytes = Buffer.from(data);
    return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
  };
  const filler = chunk(Buffer.alloc(64 * 1024, 0x20));
  const until = async (check: () => boolean, ms: number) => {
    const deadline = Date.now() + ms;
    while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };

  it('answers a client that writes on past the refusal, and closes without a reset', async () => {
    const before = refusals;
    const socket: Socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.pause(); // reads nothing yet
    let failure: Error | null = null;
    socket.on('error', (e) => (failure = e));
    socket.write(head);
    socket.write(
      chunk(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n` +
          'Content-Type: application/pdf\r\n\r\n%PDF-1.7\n',
      ),
    );
    // Twice the limit, then on until the server has answered.
    for (let i = 0; i < 32; i++) socket.write(filler);
    await until(() => refusals > before, 10_000);
    expect(refusals).toBe(before + 1);
    // Well after the answer, still writing: a server that has closed answers this with a reset.
    await new Promise((r) => setTimeout(r, 200));
    for (let i = 0; i < 4; i++) socket.write(filler);
    await new Promise((r) => setTimeout(r, 200));
    let answer = '';
    let ended = false;
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('end', () => (ended = true));
    socket.resume();
    await until(() => ended || failure !== null, 5_000);
    socket.destroy();
    expect({
      failure: (failure as Error | null)?.message ?? null,
      status: answer.split('\r\n')[0],
      ended,
    }).toEqual({
      failure: null,
      status: 'HTTP/1.1 422 Unprocessable Entity',
      ended: true,
    });
    expect(answer).toMatch(/\r\nConnection: close\r\n/i);
    expect(answer.endsWith('{"code":"file-too-large"}')).toBe(true);
  });

  it('cuts a client that never stops writing once the lingering time is up', async () => {
    const before = refusals;
    // Half-open allowed: the client does not close its side when ours ends, and writes on.
    const socket: Socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    await new Promise((resolve) => socket.once('connect', resolve));
    let closed = false;
    socket.on('error', () => undefined);
    socket.on('close', () => (closed = true));
    socket.resume();
    socket.write(head);
    socket.write(
      chunk(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n\r\n%PDF-1.7\n`,
      ),
    );
    const writing = setInterval(() => {
      if (!socket.destroyed) socket.write(filler);
    }, 5);
    try {
      await until(() => refusals > before, 10_000);
      const refusedAt = Date.now();
      await until(() => closed, LINGER_MS + 3_000);
      const lingered = Date.now() - refusedAt;
      expect(closed).toBe(true);
      expect(lingered).toBeGreaterThan(LINGER_MS - 300);
      expect(lingered).toBeLessThan(LINGER_MS + 1_500);
    } finally {
      clearInterval(writing);
      socket.destroy();
    }
  });
});

/**
 * A form that ends before its closing boundary fails busboy's file stream, and it can fail before the route has
 * started reading the file (it checks the return first). That must neither be an uncaught 'error' (which ends
 * the process) nor reach the reader as busboy's own error (a 500): the reader meets a refusal of the upload.
 */
describe('readStreamedUpload, a form cut off in its file', () => {
  let server: Server;
  let port: number;
  const outcomes: unknown[] = [];
  const uncaught: Error[] = [];
  const onUncaught = (error: Error) => uncaught.push(error);

  beforeAll(async () => {
    // Jest's own handler would fail the run on an uncaught error; this one records it for the assertion.
    process.prependListener('uncaughtException', onUncaught);
    const app = express();
    app.post('/upload', (req, res) => {
      finishStreamedUpload(req, res);
      readStreamedUpload(req, { fileField: 'file', maxFileBytes: 1024 * 1024, sizeInWords: '1 MB' })
        .then(async (upload) => {
          // The route's checks before it reads: long enough for the whole short body to have been parsed.
          await new Promise((r) => setTimeout(r, 100));
          const chunks: Buffer[] = [];
          for await (const chunk of upload.file!.content) chunks.push(chunk as Buffer);
          outcomes.push({ read: Buffer.concat(chunks).toString() });
        })
        .catch((error: Error & { code?: string }) => outcomes.push({ code: error.code ?? error.message }))
        .finally(() => res.status(204).end());
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    process.removeListener('uncaughtException', onUncaught);
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: string) =>
    fetch(`http://127.0.0.1:${port}/upload`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=cut' },
      body,
    });
  const head = '--cut\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7\n';

  it('refuses the upload when the reader reads, and nothing is uncaught', async () => {
    // No closing boundary, and then a form cut off in the middle of the file.
    for (const body of [`${head}rest of the file\r\n`, head.slice(0, -3)]) {
      outcomes.length = 0;
      expect((await post(body)).status).toBe(204);
      expect(outcomes).toEqual([{ code: 'upload-unreadable' }]);
    }
    // A whole form still reads to its end.
    outcomes.length = 0;
    await post(`${head}the end\r\n--cut--\r\n`);
    expect(outcomes).toEqual([{ read: '%PDF-1.7\nthe end' }]);
    expect(uncaught).toEqual([]);
  });
});

/**
 * A form of 2,000 text fields before its file (a review, 2026-12-06): past busboy's limits the file was dropped
 * with the fields, and the upload read as one with no file, answered "Choose a file". The limit is the refusal.
 */
describe('readStreamedUpload and streamedFileUpload, more fields than an upload takes', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const app = express();
    app.post('/api', (req, res) => {
      finishStreamedUpload(req, res);
      readStreamedUpload(req, { fileField: 'file', maxFileBytes: 1024 * 1024, sizeInWords: '1 MB' }).then(
        (upload) => {
          upload.file?.content.resume();
          res.json({ fields: Object.keys(upload.fields).length, file: upload.file?.fileName ?? null });
        },
        (error: DomainError) =>
          res.status(422).json({ code: error.code, field: error.field, message: error.message }),
      );
    });
    // The page's way: the fields read become the body, so the CSRF check still finds the form's `_csrf`.
    app.post('/page', streamedFileUpload(1024 * 1024, '1 MB'), (req, res) => {
      const { streamedFile, fileProblem, body } = req as StreamedUploadRequest;
      streamedFile?.content.resume();
      res.json({ csrf: (body as { _csrf?: string })._csrf ?? null, fileProblem: fileProblem ?? null });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const form = (fields: number) =>
    [
      '--many\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\ntoken\r\n',
      ...Array.from(
        { length: fields - 1 },
        (_, i) => `--many\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nx\r\n`,
      ),
      '--many\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-1.7\n\r\n--many--\r\n',
    ].join('');
  const post = async (path: string, body: string) => {
    const answer = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=many' },
      body,
    });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };

  it('refuses 2,000 fields before the file as too-many-fields, on the API and the page alike', async () => {
    expect(await post('/api', form(2_000))).toEqual({
      status: 422,
      body: {
        code: 'too-many-fields',
        field: 'body',
        message: 'The form may send at most 8 fields before its file',
      },
    });
    expect(await post('/page', form(2_000))).toEqual({
      status: 200,
      body: { csrf: 'token', fileProblem: 'The form may send at most 8 fields before its file' },
    });
  });

  it(`takes ${UPLOAD_MAX_FIELDS} fields and the file, and refuses one more`, async () => {
    expect(await post('/api', form(UPLOAD_MAX_FIELDS))).toEqual({
      status: 200,
      body: { fields: UPLOAD_MAX_FIELDS, file: 'a.pdf' },
    });
    expect((await post('/api', form(UPLOAD_MAX_FIELDS + 1))).body.code).toBe('too-many-fields');
  });
});

/**
 * A busy lead (2026-12-06): a page upload said to be over the limit was refused before its `_csrf` was read, and
 * the CSRF check then said the form had expired. The page's reader answers it itself, with the limit.
 */
describe('streamedFileUpload, a page upload declared over the limit', () => {
  let server: Server;
  let port: number;
  let reachedRoute = 0;

  beforeAll(async () => {
    const app = express();
    // The model the page is given, in place of the page: the view itself is libs/web's.
    app.set('views', join(__dirname, '../../web/views'));
    app.engine('njk', (_path, model, done) => {
      const { title, paragraphs, next } = model as Record<string, unknown>;
      done(null, JSON.stringify({ title, paragraphs, next }));
    });
    app.set('view engine', 'njk');
    // Mounted as configureApi mounts it: the page's address is the one the reader was mounted at.
    app.use('/agency/returns/:returnId/evidence', streamedFileUpload(1024 * 1024, '1 MB'));
    app.post('/agency/returns/:returnId/evidence', (_req, res) => {
      reachedRoute++;
      res.sendStatus(204);
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** Headers that say 2 MB, and the start of the form only: the answer must come before the rest is sent. */
  const post = (accept: string) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head, body] = answer.split('\r\n\r\n');
        resolve({
          status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]),
          type: /content-type: ([^;\r\n]+)/i.exec(head)?.[1] ?? '',
          body,
        });
      });
      socket.write(
        [
          'POST /agency/returns/y1.S3/evidence HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          'Content-Type: multipart/form-data; boundary=big',
          `Content-Length: ${2 * 1024 * 1024}`,
          `Accept: ${accept}`,
          '',
          '--big\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\ntoken\r\n',
        ].join('\r\n'),
      );
    });

  it('answers a page with the limit and the way back to the form, the route never reached', async () => {
    expect(await post('text/html')).toEqual({
      status: 422,
      type: 'text/html',
      body: JSON.stringify({
        title: 'The file is too large',
        paragraphs: [
          'The file must be 1 MB or smaller.',
          'Nothing was changed. Go back to the form and choose a smaller file.',
        ],
        next: { href: '/agency/returns/y1.S3/evidence', text: 'Go back to the form' },
      }),
    });
    expect(reachedRoute).toBe(0);
  });

  it('answers a client that asks for JSON with problem+json file-too-large naming the file', async () => {
    const answer = await post('application/json');
    expect(answer).toMatchObject({ status: 422, type: 'application/problem+json' });
    expect(JSON.parse(answer.body)).toMatchObject({
      code: 'file-too-large',
      errors: [{ field: 'file', rule: 'file-too-large', message: 'The file must be 1 MB or smaller' }],
    });
    expect(reachedRoute).toBe(0);
  });
});
