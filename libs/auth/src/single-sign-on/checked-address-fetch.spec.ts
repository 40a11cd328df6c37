import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { checkedAddressFetch, MAX_PROVIDER_ANSWER_BYTES } from './checked-address-fetch.js';

/**
 * The fetch single sign-on uses in production, against a real HTTP server on this machine: the names are
 * answered by the test, and "inside" here is 10.0.0.0/8 alone, so that the server on 127.0.0.1 stands in for a
 * public provider.
 */
describe('checkedAddressFetch', () => {
  let server: Server;
  let port: number;
  const seen: { method: string; url: string; body: string; type: string | undefined }[] = [];
  const asked: string[] = [];
  let answers: string[][] = [];
  const fetchChecked = checkedAddressFetch(
    async (host) => {
      asked.push(host);
      return answers.shift() ?? [];
    },
    (host, address) => (address.startsWith('10.') ? new Error(`${host} is at ${address}`) : null),
  );
  const get = (path: string) =>
    fetchChecked(`http://provider.test:${port}${path}`, {
      method: 'GET',
      headers: { accept: 'application/json' },
      body: undefined,
      redirect: 'manual',
    });

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        seen.push({
          method: request.method!,
          url: request.url!,
          body,
          type: request.headers['content-type'],
        });
        if (
          request.url === '/.well-known/openid-configuration' &&
          request.headers.host === `provider.test:${port}`
        ) {
          const issuer = `http://provider.test:${port}`;
          response.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              issuer,
              authorization_endpoint: `${issuer}/auth`,
              token_endpoint: `${issuer}/token`,
              jwks_uri: `${issuer}/jwks`,
              response_types_supported: ['code'],
            }),
          );
          return;
        }
        if (request.url === '/endless') {
          // More than any discovery document or key set, a piece at a time, without a declared length.
          response.writeHead(200, { 'content-type': 'application/json' });
          const piece = Buffer.alloc(64 * 1024, 0x20);
          let sent = 0;
          const more = () => {
            while (sent <= 2 * MAX_PROVIDER_ANSWER_BYTES && !response.destroyed) {
              sent += piece.length;
              if (!response.write(piece)) return void response.once('drain', more);
            }
            response.end();
          };
          more();
          return;
        }
        if (request.url === '/moved') {
          response.writeHead(302, { location: 'http://10.0.0.7/' }).end();
          return;
        }
        response
          .writeHead(request.url === '/missing' ? 404 : 200, {
            'content-type': 'application/json',
            'set-cookie': ['a=1', 'b=2'],
          })
          .end(JSON.stringify({ issuer: 'http://provider.test', echoed: body }));
      });
    });
    await new Promise<void>((up) => server.listen(0, '127.0.0.1', up));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((down) => server.close(() => down())));
  beforeEach(() => {
    seen.length = 0;
    asked.length = 0;
  });

  /** An outside tester's probe (2026-12-05): an answer was read whole, however long, into the api's memory. */
  it('stops reading an answer longer than any provider gives', async () => {
    answers = [['127.0.0.1']];
    const answer = await get('/endless');
    expect(answer.status).toBe(200);
    await expect(answer.arrayBuffer()).rejects.toThrow();
    // An answer of ordinary size is read whole.
    answers = [['127.0.0.1']];
    expect(await (await get('/.well-known/openid-configuration')).json()).toMatchObject({
      issuer: `http://provider.test:${port}`,
    });
  });

  it('connects to the address its one look-up checked, and gives back the answer as fetch does', async () => {
    answers = [['127.0.0.1']];
    const response = await get('/jwks');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ issuer: 'http://provider.test', echoed: '' });
    expect(asked).toEqual(['provider.test']);
    expect(seen.map((s) => s.url)).toEqual(['/jwks']);
  });

  it('is a fetch openid-client discovers a provider through', async () => {
    answers = [['127.0.0.1']];
    const found = await oidc.discovery(
      new URL(`http://provider.test:${port}`),
      'client',
      undefined,
      undefined,
      {
        execute: [oidc.allowInsecureRequests],
        [oidc.customFetch]: fetchChecked,
      },
    );
    expect(found.serverMetadata().token_endpoint).toBe(`http://provider.test:${port}/token`);
    expect(asked).toEqual(['provider.test']);
  });

  it('sends a token request’s form, and passes a refusal’s status through', async () => {
    answers = [['127.0.0.1']];
    const response = await fetchChecked(`http://provider.test:${port}/missing`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }),
      redirect: 'manual',
    });
    expect(response.status).toBe(404);
    expect(seen).toEqual([
      {
        method: 'POST',
        url: '/missing',
        body: 'grant_type=authorization_code&code=c',
        type: 'application/x-www-form-urlencoded',
      },
    ]);
  });

  it('stops a name that answers an inside address to the connection, even after a public answer before', async () => {
    // A rebinding name: public the first time it is asked, inside the next. Each request asks once, and its
    // connection takes that answer, so the second request never leaves.
    answers = [['127.0.0.1'], ['10.0.0.7']];
    expect((await get('/first')).status).toBe(200);
    await expect(get('/second')).rejects.toThrow('provider.test is at 10.0.0.7');
    expect(asked).toEqual(['provider.test', 'provider.test']);
    expect(seen.map((s) => s.url)).toEqual(['/first']);
  });

  it('stops a name with any inside address among its answers', async () => {
    answers = [['127.0.0.1', '10.0.0.7']];
    await expect(get('/either')).rejects.toThrow('provider.test is at 10.0.0.7');
    expect(seen).toEqual([]);
  });

  it('does not follow a redirect (openid-client asks for manual ones)', async () => {
    answers = [['127.0.0.1']];
    const response = await get('/moved');
    expect([response.status, response.headers.get('location')]).toEqual([302, 'http://10.0.0.7/']);
    expect(seen.map((s) => s.url)).toEqual(['/moved']);
  });

  it('fails as fetch does for a name with no address', async () => {
    answers = [[]];
    await expect(get('/nowhere')).rejects.toMatchObject({ code: 'ENOTFOUND' });
  });
});
