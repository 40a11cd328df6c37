import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { DataSource } from 'typeorm';
import { AuthMiddleware, AuthModule } from '../../../../libs/auth/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/src/index.js';
import { refusalOf, RequestWithActor, RouteAccess } from '../../../../libs/http/src/index.js';
import { bullConnection, logRedisOutages, QUEUES } from '../../../../libs/queues/src/index.js';
import { runsTheDeployment } from './operator-partnership.js';

// Before any queue is registered: every queue and worker then logs a Redis outage in one line.
logRedisOutages();

export const QUEUE_DASHBOARD_ROUTE = '/admin/queues';

/** Bull Board is served outside Nest's routes, so no guard sees it: its middleware applies this itself. */
export const QUEUE_DASHBOARD_ACCESS: RouteAccess = {
  public: false,
  roles: ['coordinator'],
  refusal: 'Only a coordinator can see the queues',
};

/**
 * Bull Board has no sign-in of its own: this runs before it and lets coordinators through only (401 for nobody
 * signed in, 403 for every other role). The queues serve every partnership of the deployment, so only the
 * operator partnership's coordinators are let in (OPERATOR_PARTNERSHIP), or, when none is named, coordinators
 * of a deployment that hosts a single partnership. It resolves the caller itself, whatever order middleware runs.
 */
export function coordinatorsOnly(auth: AuthMiddleware, config: AppConfig, dataSource: DataSource) {
  const operates = (partnershipId: string) => runsTheDeployment(config, dataSource, partnershipId);
  return (req: RequestWithActor, res: Response, next: NextFunction) => {
    const decide = () => {
      const refuse = (status: number, title: string) =>
        res
          .status(status)
          .type('application/problem+json')
          .send(JSON.stringify({ type: 'about:blank', title, status }));
      const refusal = refusalOf(QUEUE_DASHBOARD_ACCESS, req.actor);
      if (refusal || !req.actor) return refuse(refusal?.status ?? 401, refusal?.message ?? 'Sign in first');
      operates(req.actor.partnershipId).then(
        (ok) =>
          ok
            ? next()
            : refuse(
                403,
                "The queues hold every partnership's work: only the operator partnership's coordinators see them",
              ),
        next,
      );
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
      imports: [AuthModule],
      inject: [AuthMiddleware, APP_CONFIG, DataSource],
      useFactory: (auth: AuthMiddleware, config: AppConfig, dataSource: DataSource) => ({
        route: QUEUE_DASHBOARD_ROUTE,
        adapter: ExpressAdapter,
        middleware: coordinatorsOnly(auth, config, dataSource),
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
