import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';
import { FILE_FORM_MAX_FIELDS, FileUploadRequest, singleFileUpload } from './file-upload.js';

/**
 * The coordinator's plan and past-cycle uploads and the agency's spreadsheet read their file with multer (a review,
 * 2026-12-06): a form of 2,000 fields before its file was answered "The file could not be read: choose it again",
 * though the file was never the matter. The limit is the refusal, as the evidence upload already says it.
 */
describe('singleFileUpload, more fields than a file form takes', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    const app = express();
    // Room for 2,000 fields within the body's limit (the file's and its envelope): a body over that is refused as
    // too large before it is read, whatever is in it (below).
    app.post('/upload', singleFileUpload(256 * 1024, '256 KB'), (req, res) => {
      const { file, fileProblem, fileRefusal, body } = req as FileUploadRequest;
      res.json({
        // What a page needs: its _csrf still read, so the page can say why instead of "the form expired".
        csrf: (body as { _csrf?: string } | undefined)?._csrf ?? null,
        file: file?.originalname ?? null,
        fileProblem: fileProblem ?? null,
        refusal: fileRefusal ? { code: fileRefusal.code, field: fileRefusal.field } : null,
      });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const post = async (fields: number, fileBytes = 9) => {
    const form = new FormData();
    form.append('_csrf', 'token');
    for (let i = 1; i < fields; i++) form.append(`f${i}`, 'x');
    form.append('file', new Blob([Buffer.alloc(fileBytes, 0x61)]), 'plan.yaml');
    const answer = await fetch(`http://127.0.0.1:${port}/upload`, { method: 'POST', body: form });
    return (await answer.json()) as Record<string, unknown>;
  };

  it('refuses 2,000 fields before the file as too-many-fields naming the body, its _csrf still read', async () => {
    expect(await post(2_000)).toEqual({
      csrf: 'token',
      file: null,
      fileProblem: `The form may send at most ${FILE_FORM_MAX_FIELDS} fields with its file`,
      refusal: { code: 'too-many-fields', field: 'body' },
    });
  });

  it(`takes ${FILE_FORM_MAX_FIELDS} fields and the file, and refuses one more`, async () => {
    expect(await post(FILE_FORM_MAX_FIELDS)).toMatchObject({ file: 'plan.yaml', refusal: null });
    expect(await post(FILE_FORM_MAX_FIELDS + 1)).toMatchObject({
      refusal: { code: 'too-many-fields', field: 'body' },
    });
  });

  it('still says a file over the limit is too large, naming the file', async () => {
    expect(await post(1, 256 * 1024 + 1)).toMatchObject({
      fileProblem: 'The file must be smaller than 256 KB',
      refusal: { code: 'unreadable-file', field: 'file' },
    });
  });
});

/**
 * The plan, past-cycle and spreadsheet uploads read a body over their limit to its end before refusing it (a
 * review, 2026-12-06): a 300 MB post was read whole to be told its file was over 2 MB. They now answer as the
 * evidence files page does: a declared length over the limit before a byte of the body is read, a body sent
 * without one as soon as it passes the limit, and the rest is not read on.
 */
describe('singleFileUpload, a body over the limit', () => {
  const LIMIT = 1024 * 1024;
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
    // Mounted as configureApi mounts the plan page's: the form is on another page than the one posted to.
    app.use(
      '/coordinate/plan/upload',
      singleFileUpload(LIMIT, '1 MB', { formPage: () => '/coordinate/plan' }),
    );
    app.post('/coordinate/plan/upload', (_req, res) => {
      reachedRoute++;
      res.sendStatus(204);
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  type Answer = { status: number; type: string; connection: string; body: string };
  const parse = (answer: string): Answer => {
    const [head, body] = answer.split('\r\n\r\n');
    return {
      status: Number(/^HTTP\/1\.1 (\d+)/.exec(head)?.[1]),
      type: /content-type: ([^;\r\n]+)/i.exec(head)?.[1] ?? '',
      connection: /\r\nconnection: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
      body,
    };
  };
  const fieldPart = '--big\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\ntoken\r\n';
  const filePart =
    '--big\r\nContent-Disposition: form-data; name="file"; filename="plan.yaml"\r\n' +
    'Content-Type: application/yaml\r\n\r\npartnership:\n';

  /** Headers that say 2 MB, and the start of the form only: the answer must come before the rest is sent. */
  const postDeclared = (accept: string) =>
    new Promise<Answer>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let answer = '';
      const waited = setTimeout(() => {
        socket.destroy();
        reject(new Error(`no answer while the rest of the body was unsent; read so far: ${answer}`));
      }, 5_000);
      socket.on('data', (chunk: Buffer) => (answer += chunk.toString('utf8')));
      socket.on('error', reject);
      socket.on('close', () => {
        clearTimeout(waited);
        resolve(parse(answer));
      });
      socket.write(
        [
          'POST /coordinate/plan/upload HTTP/1.1',
          `Host: 127.0.0.1:${port}`,
          'Content-Type: multipart/form-data; boundary=big',
          `Content-Length: ${2 * LIMIT}`,
          `Accept: ${accept}`,
          '',
          fieldPart + filePart,
        ].join('\r\n'),
      );
    });

  it('answers a page with the limit and the way back to the form before the body is sent, the route never reached', async () => {
    const before = reachedRoute;
    expect(await postDeclared('text/html')).toEqual({
      status: 422,
      type: 'text/html',
      connection: 'close',
      body: JSON.stringify({
        title: 'The file is too large',
        paragraphs: [
          'The file must be 1 MB or smaller.',
          'Nothing was changed. Go back to the form and choose a smaller file.',
        ],
        next: { href: '/coordinate/plan', text: 'Go back to the form' },
      }),
    });
    expect(reachedRoute).toBe(before);
  });

  it('answers a client that asks for JSON with problem+json file-too-large naming the file', async () => {
    const answer = await postDeclared('application/json');
    expect(answer).toMatchObject({ status: 422, type: 'application/problem+json' });
    expect(JSON.parse(answer.body)).toMatchObject({
      code: 'file-too-large',
      errors: [{ field: 'file', rule: 'file-too-large', message: 'The file must be 1 MB or smaller' }],
    });
  });

  it('answers a body sent without a length once it passes the limit, reads no further, and closes', async () => {
    const before = reachedRoute;
    const chunk = (data: Buffer | string) => {
      const bytes = Buffer.from(data);
      return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
    };
    const filler = chunk(Buffer.alloc(64 * 1024, 0x61));
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let answer = '';
    let closed = false;
    let sentAtAnswer = -1;
    let sent = 0;
    socket.on('error', () => undefined);
    socket.on('data', (d: Buffer) => {
      answer += d.toString('utf8');
      if (sentAtAnswer < 0) sentAtAnswer = sent;
    });
    socket.on('close', () => (closed = true));
    socket.write(
      'POST /coordinate/plan/upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n' +
        'Content-Type: multipart/form-data; boundary=big\r\nAccept: text/html\r\n\r\n',
    );
    socket.write(chunk(fieldPart + filePart));
    // Writes on until the answer comes, or 12 times the limit; then (as the old reader needed) ends the body.
    await new Promise<void>((resolve) => {
      const writing = setInterval(() => {
        if (answer || closed || sent >= 12 * LIMIT) {
          clearInterval(writing);
          if (!answer && !closed) socket.write(chunk('\r\n--big--\r\n') + '0\r\n\r\n');
          return resolve();
        }
        socket.write(filler);
        sent += 64 * 1024;
      }, 2);
    });
    const deadline = Date.now() + 5_000;
    while (!closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    socket.destroy();
    const { status, connection, body } = parse(answer);
    expect({ status, connection, title: (JSON.parse(body) as { title: string }).title }).toEqual({
      status: 422,
      connection: 'close',
      title: 'The file is too large',
    });
    // Answered while the client was still sending, a little past the limit (what the socket had buffered aside).
    expect(sentAtAnswer).toBeGreaterThan(LIMIT);
    expect(sentAtAnswer).toBeLessThan(4 * LIMIT);
    expect(closed).toBe(true);
    expect(reachedRoute).toBe(before);
  });
});
