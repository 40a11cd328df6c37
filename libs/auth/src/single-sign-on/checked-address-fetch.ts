import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { CustomFetch } from 'openid-client';

/**
 * The most of a provider's answer read: discovery documents, key sets and token answers are a few kilobytes. A
 * provider is named by a partnership's coordinator, and openid-client reads each answer whole into memory, so an
 * endless answer would otherwise fill the api's memory for as long as the request's time allows.
 */
export const MAX_PROVIDER_ANSWER_BYTES = 1024 * 1024;

/** The addresses a name has, all of them: the connection may take any. */
export type ResolveHost = (host: string) => Promise<string[]>;

/**
 * A fetch for openid-client whose connection goes only to an address `refuses` lets through, checked in the
 * socket's own look-up: the address checked is the address connected to. A check made before the request, with a
 * look-up of its own, is beaten by a name that answers a public address to the check and a private one to the
 * connection (DNS rebinding); this one is not. Every address the name answers with is checked, since the
 * connection may try each. A literal address in the URL is checked before anything is sent.
 */
export function checkedAddressFetch(
  resolve: ResolveHost,
  refuses: (host: string, address: string) => Error | null,
): CustomFetch {
  const lookup: LookupFunction = (host, options, done) => {
    resolve(host).then(
      (addresses) => {
        const refusal = addresses.map((a) => refuses(host, a)).find((e) => e !== null);
        if (refusal) return done(refusal, '', 0);
        if (addresses.length === 0) return done(notFound(host), '', 0);
        const all = addresses.map((address) => ({ address, family: isIP(address) }));
        // net asks for every address when it may try them in turn (autoSelectFamily), else for one.
        if (options.all) return (done as (e: null, a: typeof all) => void)(null, all);
        done(null, all[0].address, all[0].family);
      },
      (error: NodeJS.ErrnoException) => done(error, '', 0),
    );
  };

  return (url, options) => {
    const target = new URL(url);
    const literal = target.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(literal)) {
      const refusal = refuses(literal, literal);
      if (refusal) return Promise.reject(refusal);
    }
    const body = requestBody(options.body);
    const client = target.protocol === 'https:' ? https : http;
    return new Promise<Response>((answer, fail) => {
      const request = client.request(
        target,
        {
          method: options.method,
          headers: options.headers,
          lookup,
          signal: options.signal,
          // A connection of its own: one kept alive would carry on to an address a later answer no longer gives.
          agent: false,
        },
        (response) => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const each of [value ?? []].flat()) headers.append(name, each);
          }
          const status = response.statusCode ?? 502;
          const empty = options.method === 'HEAD' || status === 204 || status === 304;
          if (empty) response.resume();
          const body = empty ? null : pipeline(response, atMost(MAX_PROVIDER_ANSWER_BYTES), () => {});
          answer(
            new Response(body && (Readable.toWeb(body) as unknown as ReadableStream), {
              status,
              statusText: response.statusMessage,
              headers,
            }),
          );
        },
      );
      request.on('error', fail);
      request.end(body);
    });
  };
}

/** openid-client sends forms and JSON as text or bytes; a stream body is never one of its requests. */
function requestBody(body: Parameters<CustomFetch>[1]['body']): string | Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  throw new TypeError(`a ${(body as WebReadableStream).constructor.name} body is not sent to a provider`);
}

/** Passes bytes on until there have been more than `limit`, then fails (and the pipeline ends the connection). */
function atMost(limit: number): Transform {
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      passed += chunk.length;
      if (passed > limit) done(new Error(`the provider's answer is over ${limit} bytes`));
      else done(null, chunk);
    },
  });
}

function notFound(host: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
}
