import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { redactPathTokens } from '../../kernel/src/index.js';
import { AppConfig } from './config.js';
import { logFormat, prettyDestination } from './log-format.js';

const CORRELATION_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Logs with a correlation id per request (taken from X-Correlation-Id when it looks safe, else new).
 * Credentials are redacted and query strings dropped, so no token can reach a log line.
 */
export function loggingModule(config: AppConfig): DynamicModule {
  const options = {
    level: config.logLevel,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const given = req.headers['x-correlation-id'];
      const id = typeof given === 'string' && CORRELATION_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Correlation-Id', id);
      return id;
    },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'res.headers["set-cookie"]',
        'req.body',
        '*.token',
        '*.password',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        // A submission link's token, and a set-password token, are the path itself: never let them reach a log
        // line, however the path is written (//l/…, /./l/…, /l%2F…).
        url: req.url === undefined ? undefined : redactPathTokens(req.url),
      }),
      res: loggedResponse,
    },
    autoLogging: { ignore: (req: IncomingMessage) => req.url?.startsWith('/health') ?? false },
  };
  // A file is for machines (tests read it); a person at a terminal outside production gets readable lines.
  const destination = config.logFile
    ? pino.destination({ dest: config.logFile, sync: true, mkdir: true })
    : logFormat(process.stdout.isTTY, config.nodeEnv) === 'pretty'
      ? prettyDestination(process.stdout)
      : undefined;
  return LoggerModule.forRoot({ pinoHttp: destination ? [options, destination] : options });
}

/**
 * A response as its log line shows it: status and headers, the redirect's Location as its path alone. A redirect
 * to a provider carries its sign-on's state and nonce in the query, and one to a link page would carry a token
 * in the path: neither is for a log.
 */
export function loggedResponse(res: { statusCode: number | null; headers?: Record<string, unknown> }): {
  statusCode: number | null;
  headers?: Record<string, unknown>;
} {
  const location = res.headers?.location;
  if (typeof location !== 'string') return { statusCode: res.statusCode, headers: res.headers };
  let path: string;
  try {
    const url = new URL(location, 'http://relative.invalid');
    path = `${url.origin === 'http://relative.invalid' ? '' : url.origin}${url.pathname}`;
  } catch {
    path = location.split(/[?#]/)[0];
  }
  return { statusCode: res.statusCode, headers: { ...res.headers, location: redactPathTokens(path) } };
}
