import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * What Node's HTTP parser refuses before any handler sees the request (headers over 16 KB, a request line it
 * cannot read, a request that took longer than requestTimeout) was answered with a bare status line and no
 * body: the one answer of the api that was not problem+json. Same statuses as Node's, with a body naming the
 * part of the request and the rule; the connection is closed after it, as Node closes it.
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on(
    'clientError',
    (error: NodeJS.ErrnoException, socket: Duplex & { _httpMessage?: { headersSent?: boolean } | null }) => {
      // A response already under way on this connection, or a socket gone, cannot take another: close it, as Node
      // does. (Not bytesWritten: a kept-alive connection has written the answers to the requests before.)
      if (error.code === 'ECONNRESET' || !socket.writable || socket._httpMessage?.headersSent) {
        socket.destroy();
        return;
      }
      socket.end(problemResponse(clientProblem(error.code)));
    },
  );
}

interface ClientProblem {
  status: number;
  reason: string;
  field: string;
  rule: string;
  message: string;
}

export function clientProblem(code: string | undefined): ClientProblem {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      reason: 'Request Header Fields Too Large',
      field: 'headers',
      rule: 'max-header-size',
      message: 'the request line and headers may be at most 16 KB in all',
    };
  if (code === 'HPE_REQUEST_TIMEOUT')
    return {
      status: 408,
      reason: 'Request Timeout',
      field: 'request',
      rule: 'request-timeout',
      message: 'the request did not arrive whole in time',
    };
  return {
    status: 400,
    reason: 'Bad Request',
    field: 'request',
    rule: 'http-syntax',
    message: 'the request is not well-formed HTTP/1.1',
  };
}

function problemResponse({ status, reason, field, rule, message }: ClientProblem): string {
  const body = JSON.stringify({
    type: 'https://partner-returns.dev/problems/validation',
    title: 'The request has invalid fields',
    status,
    detail: `${field}: ${message}`,
    errors: [{ field, rule, message }],
  });
  return [
    `HTTP/1.1 ${status} ${reason}`,
    'Content-Type: application/problem+json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
