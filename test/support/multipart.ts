import { request } from 'node:http';
import { Readable } from 'node:stream';

/**
 * Multipart bodies written by hand, so tests can send what no well-behaved client would: a name with `../` or
 * NUL, a body cut off, a stream of any size. Test-only.
 */
export const BOUNDARY = 'evidence-test-boundary-7f3a';

export interface Part {
  name: string;
  value?: string;
  file?: { fileName?: string; fileNameStar?: string; type?: string };
}

export function partHead(part: Part): Buffer {
  const file = part.file;
  const names = file
    ? [
        file.fileName !== undefined ? `; filename="${file.fileName}"` : '',
        file.fileNameStar !== undefined ? `; filename*=UTF-8''${file.fileNameStar}` : '',
      ].join('')
    : '';
  const type = file ? `\r\nContent-Type: ${file.type ?? 'application/octet-stream'}` : '';
  return Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${names}${type}\r\n\r\n`,
    'utf8',
  );
}

export const TAIL = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** A whole body: the text fields, then the file. */
export function multipartBody(
  fields: Record<string, string>,
  file: { fileName?: string; fileNameStar?: string; type?: string; content: Buffer },
): Buffer {
  const parts = Object.entries(fields).map(([name, value]) =>
    Buffer.concat([partHead({ name }), Buffer.from(value), Buffer.from('\r\n')]),
  );
  return Buffer.concat([...parts, partHead({ name: 'file', file }), file.content, TAIL]);
}

export const MULTIPART_TYPE = `multipart/form-data; boundary=${BOUNDARY}`;

/**
 * Streams `body` to the server with node:http and reports what happened: the answer (if one came) and how many
 * bytes had been written when it came. `cutAfter` destroys the connection after that many bytes, as a client
 * that goes away does.
 */
export function streamUpload(
  url: string,
  headers: Record<string, string>,
  body: Readable,
  options: { cutAfter?: number } = {},
): Promise<{ status: number | null; text: string; writtenWhenAnswered: number; written: number }> {
  return new Promise((resolve) => {
    let written = 0;
    let writtenWhenAnswered = 0;
    let done = false;
    const finish = (status: number | null, text: string) => {
      if (done) return;
      done = true;
      body.destroy();
      resolve({ status, text, writtenWhenAnswered, written });
    };
    const req = request(url, { method: 'POST', headers: { 'content-type': MULTIPART_TYPE, ...headers } });
    req.on('response', (res) => {
      writtenWhenAnswered = written;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => finish(res.statusCode ?? null, text));
      res.on('error', () => finish(res.statusCode ?? null, text));
    });
    req.on('error', () => finish(null, ''));
    body.on('data', (chunk: Buffer) => {
      if (done) return;
      written += chunk.length;
      if (options.cutAfter !== undefined && written >= options.cutAfter) {
        req.destroy();
        finish(null, '');
        return;
      }
      if (!req.write(chunk)) {
        body.pause();
        req.once('drain', () => body.resume());
      }
    });
    body.on('end', () => req.end());
  });
}

/** `size` bytes of a file starting with `head`, made as it is read (never whole in memory). */
export function generatedFile(head: Buffer, size: number, chunk = 64 * 1024): Readable {
  let sent = 0;
  const filler = Buffer.alloc(chunk, 0x20);
  return new Readable({
    read() {
      if (sent >= size) return void this.push(null);
      const piece = sent === 0 ? head : filler.subarray(0, Math.min(chunk, size - sent));
      sent += piece.length;
      this.push(piece);
    },
  });
}

/** A multipart body around a generated file of `size` bytes. */
export function multipartStream(fileName: string, head: Buffer, size: number): Readable {
  const file = generatedFile(head, size);
  return Readable.from(
    (async function* () {
      yield partHead({ name: 'file', file: { fileName, type: 'application/pdf' } });
      for await (const chunk of file) yield chunk as Buffer;
      yield TAIL;
    })(),
  );
}
