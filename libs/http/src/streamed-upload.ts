import busboy from 'busboy';
import type { Request, Response } from 'express';
import { PassThrough, Readable } from 'node:stream';
import { DomainError } from '../../kernel/src/index.js';
import { fileNameAsSeen } from './multipart-file-name.js';
import { declaredTooLarge, fileTooLarge, refuseUnread } from './oversized-upload.js';

/** One file of a multipart request, as it arrives: never buffered whole, never written to a temporary file. */
export interface StreamedFile {
  /**
   * The name as the person saw it (fileNameAsSeen: `"`, CR and LF as themselves, not as the %22, %0D and %0A a
   * browser sends), paths kept, so the rules can refuse them rather than have them cut away.
   */
  fileName: string;
  declaredType: string;
  content: Readable;
}

export interface StreamedUpload {
  /** The text fields sent before the file: a page's `_csrf`, a title. Fields after the file are not read. */
  fields: Record<string, string>;
  file: StreamedFile | null;
}

/** The text fields an upload may send beside its file: a page's `_csrf` and a title, with room to spare. */
export const UPLOAD_MAX_FIELDS = 8;

/** The fields a refused upload had sent before it was refused (see fieldsReadBefore). */
const fieldsOfRefusals = new WeakMap<Error, Record<string, string>>();

/**
 * The text fields read before `refusal` was met: a page's form keeps its `_csrf`, so the CSRF check still passes
 * and the page can say what was wrong, rather than that the form expired. Empty for a refusal of no upload.
 */
export function fieldsReadBefore(refusal: unknown): Record<string, string> {
  return (refusal instanceof Error && fieldsOfRefusals.get(refusal)) || {};
}

const refuse = (code: string, message: string, field = 'file') =>
  new DomainError(code, message, 'unprocessable', field);

/** The upload as sent cannot be parsed (busboy's own error, when there is one, kept as the cause). */
const unreadable = (cause?: Error) => {
  const problem = refuse('upload-unreadable', 'The upload could not be read: choose the file again');
  return cause ? Object.assign(problem, { cause }) : problem;
};

/**
 * Reads a multipart request up to the start of its one file (field `fileField`) and hands the file on as a
 * stream, so the reader decides how far to read. A request that says it is larger than `maxFileBytes` can be
 * is refused before a byte of it is read. A client that goes away mid-file errors the file's stream, so a
 * store reading it keeps nothing.
 *
 * Call finishStreamedUpload(req, res) too: an upload refused before its end must not be read to its end.
 */
export function readStreamedUpload(
  req: Request,
  options: { fileField: string; maxFileBytes: number; sizeInWords: string },
): Promise<StreamedUpload> {
  if (!req.is('multipart/form-data')) {
    return Promise.reject(
      refuse('multipart-required', 'Send the file as multipart/form-data, in the field `file`'),
    );
  }
  if (declaredTooLarge(req, options.maxFileBytes)) return Promise.reject(fileTooLarge(options.sizeInWords));
  return new Promise<StreamedUpload>((resolve, reject) => {
    const fields: Record<string, string> = {};
    let file: Readable | null = null;
    let settled = false;
    const settle = (outcome: StreamedUpload | Error) => {
      if (settled) return;
      settled = true;
      if (outcome instanceof Error) {
        fieldsOfRefusals.set(outcome, { ...fields });
        reject(outcome);
      } else resolve(outcome);
    };
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        defParamCharset: 'utf8',
        limits: {
          files: 1,
          fields: UPLOAD_MAX_FIELDS,
          parts: UPLOAD_MAX_FIELDS + 1,
          fieldSize: 16 * 1024,
        },
      });
    } catch {
      return settle(unreadable());
    }
    // Past its limits busboy drops the parts that follow, the file among them, and the form read as one with no
    // file: 2,000 fields before it were answered "Choose a file". The limit is the reason, and says so.
    const tooManyFields = () =>
      settle(
        new DomainError(
          'too-many-fields',
          `The form may send at most ${UPLOAD_MAX_FIELDS} fields before its file`,
          'unprocessable',
          'body',
        ),
      );
    parser.on('fieldsLimit', tooManyFields);
    parser.on('partsLimit', tooManyFields);
    parser.on('field', (name, value, info) => {
      if (info.valueTruncated) settle(refuse('field-too-long', `The field ${name} is too long`, name));
      else fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      if (name !== options.fileField || file) {
        stream.resume();
        return;
      }
      const content = readerSide(stream);
      file = content;
      settle({
        fields,
        file: { fileName: fileNameAsSeen(info.filename ?? ''), declaredType: info.mimeType, content },
      });
    });
    parser.on('close', () => settle({ fields, file: null }));
    parser.on('error', (error: Error) => {
      const problem = unreadable(error);
      file?.destroy(problem);
      settle(problem);
    });
    // A client that goes away leaves the file cut short: that must fail its reader, not end it quietly.
    req.on('close', () => {
      if (req.complete) return;
      const cut = refuse('upload-cut-off', 'The upload was cut off before the end of the file');
      if (file && !file.readableEnded) file.destroy(cut);
      settle(cut);
    });
    req.pipe(parser);
  });
}

/**
 * The file as its reader gets it. Busboy fails its own file stream when the form ends early (a body cut off in
 * the file, no closing boundary), and it may do so before the reader has started: the route checks the return
 * first. An 'error' with no listener yet would be uncaught and end the process, so the reader's side always has
 * one; the reader still meets the error when it reads (a stream that failed stays failed). And the reader meets
 * it in words, as a refusal of the upload, never as busboy's own error, which would answer 500. The reader
 * letting go of its side stops the file.
 */
function readerSide(file: Readable): Readable {
  const content = new PassThrough();
  content.on('error', () => undefined);
  file.on('error', (error: Error) =>
    content.destroy(error instanceof DomainError ? error : unreadable(error)),
  );
  content.once('close', () => {
    if (!file.readableEnded) file.destroy();
  });
  file.pipe(content);
  return content;
}

/**
 * How long a refused upload's connection goes on reading, and dropping, what the client still sends after the
 * answer, before it is cut: long enough for a client busy writing to read the answer, short enough that a
 * refused 200 MB file is not read to its end.
 */
export const LINGER_MS = 2_000;

/**
 * Once the answer is sent, an upload not read to its end is dropped with its connection rather than read on:
 * a refused 200 MB file costs what was read before the refusal (and for a moment after), not 200 MB.
 */
export function finishStreamedUpload(req: Request, res: Response): void {
  res.on('finish', () => {
    if (req.complete) return;
    req.unpipe();
    closeLingering(req);
  });
  if (!res.headersSent) res.setHeader('Connection', 'close');
}

/**
 * Node closes a `Connection: close` socket as soon as the answer is written. Closed with the client's bytes still
 * unread, the kernel answers them with a reset, and a client still writing its upload can meet that reset before
 * it has read the answer: it sees a broken connection, not the 422 that says why (seen in CI). So the answer is
 * followed by an end of our side only; what still arrives is read and dropped until the client closes its side,
 * or for LINGER_MS at most (the "lingering close" of nginx and Apache).
 */
function closeLingering(req: Request): void {
  const socket = req.socket;
  if (socket.destroyed) return;
  // What Node's destroySoon left waiting for the answer to be flushed; removed, the socket stays open to read.
  socket.removeListener('finish', socket.destroy);
  socket.end();
  const cut = setTimeout(() => socket.destroy(), LINGER_MS);
  cut.unref();
  socket.once('close', () => clearTimeout(cut));
  socket.once('end', () => socket.destroy());
  req.resume();
}

export type StreamedUploadRequest = Request & { streamedFile?: StreamedFile | null; fileProblem?: string };

/**
 * A page's multipart form, read as far as its file before the CSRF check (which needs the form's `_csrf`, sent
 * before the file): the text fields become the body and the file stays a stream for the route to store.
 * What goes wrong is kept in words for the page to show. Other requests pass as they came.
 *
 * One refusal is answered here: a form whose Content-Length is over the limit is refused before a byte of it is
 * read, its `_csrf` too, and the CSRF check would then tell the person the form expired. Answered here, it says
 * the file is too large, with the way back to the form (the address posted to: the files page posts to itself).
 * That needs no token: nothing is acted on and nothing is shown but the limit, which the page's hint states
 * anyway.
 */
export function streamedFileUpload(maxFileBytes: number, sizeInWords: string) {
  return (req: Request, res: Response, next: (error?: unknown) => void) => {
    if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
    finishStreamedUpload(req, res);
    if (declaredTooLarge(req, maxFileBytes))
      return refuseUnread(req, res, fileTooLarge(sizeInWords), req.baseUrl);
    readStreamedUpload(req, { fileField: 'file', maxFileBytes, sizeInWords }).then(
      (upload) => {
        req.body = upload.fields;
        (req as StreamedUploadRequest).streamedFile = upload.file;
        next();
      },
      (error: Error) => {
        req.body = fieldsReadBefore(error);
        (req as StreamedUploadRequest).fileProblem = error.message;
        next();
      },
    );
  };
}
