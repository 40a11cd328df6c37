import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullModule } from '@nestjs/bullmq';
import { Logger, Module } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuthMiddleware, AuthModule } from '../../../../libs/auth/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/src/index.js';
import {
  answerOnPage,
  notSignedIn,
  refusalOf,
  RequestWithActor,
  roleRefused,
  RouteAccess,
  sendProblem,
} from '../../../../libs/http/src/index.js';
import { bullConnection, logRedisOutages, QUEUES } from '../../../../libs/queues/src/index.js';
import { runsTheDeployment } from './operator-partnership.js';
import { QueuesReachable, QueuesReachableModule } from './queues-reachable.js';

// Before any queue is registered: every queue and worker then logs a Redis outage in one line.
logRedisOutages();

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/** Bull Board is served outside Nest's routes, so no guard sees it: its middleware applies this itself. */
export const QUEUE_DASHBOARD_ACCESS: RouteAccess = {
  public: false,
  roles: ['coordinator'],
  refusal: 'Only a coordinator can see the queues',
};

/** Seconds a client should wait before asking for the queues again while Redis is away. */
export const QUEUES_RETRY_AFTER_S = 30;

const logger = new Logger('QueueDashboard');

/**
 * Bull Board has no sign-in of its own: this runs before it and lets coordinators through only (401 for nobody
 * signed in, 403 for every other role). The queues serve every partnership of the deployment, so only the
 * operator partnership's coordinators are let in (OPERATOR_PARTNERSHIP), or, when none is named, coordinators
 * of a deployment that hosts a single partnership. It resolves the caller itself, whatever order middleware runs.
 * Those let in are answered 503 at once while Redis does not answer (see QueuesReachable), not left hanging.
 */
export function coordinatorsOnly(
  auth: AuthMiddleware,
  config: AppConfig,
  dataSource: DataSource,
  reachable: QueuesReachable,
) {
  const operates = (partnershipId: string) => runsTheDeployment(config, dataSource, partnershipId);
  const unlessRedisAway = (req: RequestWithActor, res: Response, next: NextFunction): Promise<void> =>
    reachable.whyNot().then((why) => {
      if (why === null) return next();
      res.setHeader('Retry-After', String(QUEUES_RETRY_AFTER_S));
      res.setHeader('Cache-Control', 'no-store');
      // The dashboard's own page asks for HTML; its data requests (under /api/) ask for JSON.
      if (!req.path.startsWith('/api/') && req.accepts(['json', 'html']) === 'html') {
        res.status(503).render('pages/error', {
          title: 'Sorry, the queues cannot be shown just now',
          paragraphs: [
            'Redis, which holds the queues, does not answer. Jobs and mail wait until it is back: nothing is lost.',
            'Try again in a few minutes.',
          ],
        });
        return;
      }
      sendProblem(res, {
        type: 'https://partner-returns.dev/problems/queues-unavailable',
        title: 'The queues cannot be read just now: Redis does not answer',
        status: 503,
        code: 'queues-unavailable',
        detail: `Redis (REDIS_URL) does not answer: ${why}. Jobs and mail wait until it is back; nothing is lost.`,
        retryAfter: QUEUES_RETRY_AFTER_S,
      });
    }, next);
  return (req: RequestWithActor, res: Response, next: NextFunction) => {
    const decide = () => {
      // The guard's own answers (a browser signed out goes to sign-in, and back here after): Bull Board's routes
      // are not Nest's, so the filters never see them.
      const refuse = (error: Error) => answerOnPage(error, req, res, logger);
      const refusal = refusalOf(QUEUE_DASHBOARD_ACCESS, req.actor);
      if (!req.actor) return refuse(notSignedIn());
      if (refusal) return refuse(roleRefused(refusal.message));
      operates(req.actor.partnershipId).then((ok) => {
        if (ok) return unlessRedisAway(req, res, next);
        refuse(
          roleRefused(
            "The queues hold every partnership's work: only the operator partnership's coordinators see them",
          ),
        );
      }, next);
    };
    if (req.actor) return decide();
    auth.use(req, res, (error?: unknown) => (error ? next(error) : decide())).catch(next);
  };
}

/** The queue dashboard at /admin/queues: the mail, chasing and reporting queues, for coordinators. */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        connection: bullConnection(config.redisUrl),
        prefix: config.queuePrefix,
      }),
    }),
    BullModule.registerQueue({ name: QUEUES.mail }, { name: QUEUES.chasing }, { name: QUEUES.reporting }),
    // forRootAsync: two apps in one process (the tests) each get their own board and adapter.
    BullBoardModule.forRootAsync({
      imports: [AuthModule, QueuesReachableModule],
      inject: [AuthMiddleware, APP_CONFIG, DataSource, QueuesReachable],
      useFactory: (
        auth: AuthMiddleware,
        config: AppConfig,
        dataSource: DataSource,
        reachable: QueuesReachable,
      ) => ({
        route: QUEUE_DASHBOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: coordinatorsOnly(auth, config, dataSource, reachable),
      }),
    }),
    BullBoardModule.forFeature(
      { name: QUEUES.mail, adapter: BullMQAdapter },
      { name: QUEUES.chasing, adapter: BullMQAdapter },
      { name: QUEUES.reporting, adapter: BullMQAdapter },
    ),
  ],
})
export class QueueDashboardModule {}
