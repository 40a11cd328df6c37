import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
    app.post('/upload', singleFileUpload(1024, '1 KB'), (req, res) => {
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
    expect(await post(1, 1025)).toMatchObject({
      fileProblem: 'The file must be smaller than 1 KB',
      refusal: { code: 'unreadable-file', field: 'file' },
    });
  });
});
