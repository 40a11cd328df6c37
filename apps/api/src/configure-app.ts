import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, AppConfig, withoutFalseAlarms } from '../../../libs/config/src/index.js';
import { withKnownPeople } from '../../../libs/event-store/src/index.js';
import {
  configureWeb,
  csrf,
  PLAN_UPLOAD_PATH,
  planFileUpload,
  RETURNS_SPREADSHEET_PATH,
  EVIDENCE_UPLOAD_PATH,
} from '../../../libs/web/src/index.js';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { britishDocsPage } from './docs-language.js';
import { Logger } from 'nestjs-pino';
import {
  answerClientErrorsAsProblems,
  BODY_LIMIT_BYTES,
  PageErrorFilter,
  onlyTextCookies,
  pageMessages,
  problemValidationPipe,
  refuseDeepJson,
  rejectHostileInput,
  singleFileUpload,
  streamedFileUpload,
} from '../../../libs/http/src/index.js';
import {
  HISTORICAL_CYCLE_PATH,
  HISTORICAL_FILE_MAX_BYTES,
  SPREADSHEET_MAX_BYTES,
} from '../../../libs/returns/src/index.js';

/** One place that makes an app the way production runs it: used by main.ts and by every e2e test. */

/** The longest a request may take to arrive whole, body included (see configureApp). */
export const API_REQUEST_TIMEOUT_MS = 120_000;
/** The most connections the api holds at once; more are closed as they come (see configureApp). */
export const API_MAX_CONNECTIONS = 4_096;

export function configureApi(app: INestApplication): INestApplication {
  app.useLogger(withoutFalseAlarms(app.get(Logger)));
  const config = app.get<AppConfig>(APP_CONFIG);
  // req.ip, which throttles count by, believes X-Forwarded-For only from the proxies TRUST_PROXY names.
  (app as NestExpressApplication).set('trust proxy', config.trustProxy);
  configureWeb(app, config);
  // Parsers first (Nest would add them only at init, after these middlewares): CSRF reads the form body.
  const express = app as NestExpressApplication;
  // Nest's types leave out body-parser's `verify` (it uses it for rawBody, off here); express gets it as given.
  // application/merge-patch+json and the like are JSON too: read, not taken as no body (see csrf.ts).
  express.useBodyParser('json', {
    limit: BODY_LIMIT_BYTES,
    type: ['application/json', 'application/*+json'],
    verify: refuseDeepJson,
  } as { limit: number });
  express.useBodyParser('urlencoded', { extended: false, limit: BODY_LIMIT_BYTES });
  // Before anything reads the request: NUL, lone surrogates, deep nesting and list bodies are a 400 here.
  app.use(rejectHostileInput);
  // Each request one unit of work for personal keys: what it read of them its appends need not ask again.
  app.use((_req: Request, _res: Response, next: NextFunction) => withKnownPeople(next));
  app.use(cookieParser());
  app.use(onlyTextCookies);
  // A page shows ?done= and ?error= text only when its own redirect signed it: see page-messages.ts.
  app.use(pageMessages(config.sessionSecret));
  const { protect, pageToken } = csrf(config);
  // Every page template can ask for the token of this request's session: one token per response.
  app.use((req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = pageToken(req, res);
    next();
  });
  // The plan page's file upload is the one multipart form: read before the CSRF check needs its _csrf field.
  app.use(PLAN_UPLOAD_PATH, planFileUpload());
  // Past cycles come as a file too, to the API and to the coordinator's page alike.
  // A body over the limit is answered by the reader itself, with a link to the form (see singleFileUpload).
  app.use(
    HISTORICAL_CYCLE_PATH,
    singleFileUpload(HISTORICAL_FILE_MAX_BYTES, '2 MB', {
      api: true,
      formPage: () => `/coordinate${HISTORICAL_CYCLE_PATH}`,
    }),
  );
  app.use(`/coordinate${HISTORICAL_CYCLE_PATH}`, singleFileUpload(HISTORICAL_FILE_MAX_BYTES, '2 MB'));
  // An agency's returns spreadsheet, uploaded from its page (the file posts to returns.xlsx, the page beside it).
  app.use(
    RETURNS_SPREADSHEET_PATH,
    singleFileUpload(SPREADSHEET_MAX_BYTES, '5 MB', {
      formPage: (req) => req.baseUrl.replace(/returns\.xlsx$/, 'spreadsheet'),
    }),
  );
  // A file added to a return from the agency's files page, streamed as the JSON API's upload is.
  app.use(
    EVIDENCE_UPLOAD_PATH,
    streamedFileUpload(
      config.evidence.maxFileBytes,
      `${Math.round(config.evidence.maxFileBytes / 1048576)} MB`,
    ),
  );
  // No write from another origin: see csrf.ts.
  app.use(protect);
  // Browsers get a GOV.UK error page (an unknown address, say); API clients keep problem+json.
  app.useGlobalFilters(new PageErrorFilter());
  app.useGlobalPipes(problemValidationPipe());
  app.enableShutdownHooks();
  // Node closes an idle keep-alive connection after 5 s, shorter than the proxies in front of it (60 s is usual)
  // and racy for any client whose event loop is busy when that timer fires: the client reuses a socket the server
  // is closing and gets ECONNRESET. Keep idle connections longer than the proxy does; headers must come sooner.
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // A whole request, body included, in 2 minutes (Node's 5 let a body sent a byte a second hold its connection
  // that long), and no more connections than leave the process file descriptors for PostgreSQL, Redis and SMTP:
  // 20,000 slow connections from one client took every descriptor, and with them the api's own connections.
  // Holding off many slow clients is a reverse proxy's job (see the README's Security section).
  server.requestTimeout = API_REQUEST_TIMEOUT_MS;
  server.maxConnections = API_MAX_CONNECTIONS;
  // Headers over 16 KB and requests Node cannot parse are answered problem+json too.
  answerClientErrorsAsProblems(server);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Partner Returns')
      .setDescription(
        'Monitoring returns for Local Strategic Partnerships: cycles, returns, reviews and reports.',
      )
      .setVersion('0.1')
      .build(),
  );
  // Before the docs' own routes, so their page goes out through it.
  express.use('/api/docs', britishDocsPage);
  SwaggerModule.setup('api/docs', app, document);
  return app;
}
