import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig, ConfigModule, loggingModule } from '../../../libs/config/src/index.js';
import { Clock, SystemClock } from '../../../libs/kernel/src/index.js';
import { DatabaseModule } from '../../../libs/database/src/index.js';
import { EventStoreModule } from '../../../libs/event-store/src/index.js';
import { SCHEMA } from '../../composition/src/index.js';
import { SendLinkMail, SendPasswordMail } from '../../../libs/auth/src/index.js';
import { MAIL_LEDGER_PROVIDERS, MailModule } from '../../../libs/mail/src/index.js';
import { PlanRepository } from '../../../libs/plan/src/index.js';
import { bullConnection, logRedisOutages, QUEUES } from '../../../libs/queues/src/index.js';
import { CycleRepository, RetentionRun, RetentionSettings } from '../../../libs/returns/src/index.js';
import { RetentionCatchUp, RetentionSchedule } from './retention.schedule.js';
import { CHASING_PROVIDERS } from './chasing.providers.js';
import { mailProcessorFor } from './mail.processor.js';
import { chasingProcessorFor } from './chasing.processor.js';
import { LogCheckpointer } from './log-checkpointer.service.js';
import { MailReconciler } from './mail-reconciler.service.js';
import { ResetRequestSweep } from './reset-request-sweep.service.js';
import { RedisEmptiedWatch } from './redis-emptied.watch.js';
import { OutboxRelay, RELAY_OPTIONS } from './outbox-relay.service.js';
import { ReportingProcessor } from './reporting.processor.js';
import { ReportingProjection } from './reporting-projection.service.js';
import { SignalsModule } from '../../../libs/signals/src/index.js';
import { PublicationErasureModule } from '../../../libs/reporting/src/index.js';
import { MetricsListener } from './metrics-listener.service.js';
import { JobsDrain } from './jobs-drain.service.js';

// Before any queue is registered: every queue and worker then logs a Redis outage in one line.
logRedisOutages();

export interface WorkerOptions {
  clock?: Clock;
  relayPollIntervalMs?: number;
  /** False: the processors only poll (the benchmark's baseline); see ProcessorRunOptions.wakeOnAppend. */
  wakeOnAppend?: boolean;
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig, options: WorkerOptions = {}): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config, options.clock ?? new SystemClock()),
        loggingModule(config),
        DatabaseModule.forRoot(SCHEMA),
        EventStoreModule,
        MailModule,
        SignalsModule,
        DiscoveryModule,
        // Retention forgets contacts: the publications that named them are re-issued without them.
        PublicationErasureModule,
        BullModule.forRoot({
          connection: bullConnection(config.redisUrl),
          prefix: config.queuePrefix,
          defaultJobOptions: {
            attempts: 8,
            backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
            removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
            removeOnFail: { age: 30 * 24 * 3600 },
          },
        }),
        BullModule.registerQueue(
          { name: QUEUES.reporting },
          {
            name: QUEUES.mail,
            // Temporary SMTP failures are retried with exponential backoff and jitter; 5xx are not (see ledger).
            defaultJobOptions: {
              attempts: config.mail.attempts,
              backoff: { type: 'exponential', delay: config.mail.retryDelayMs, jitter: 0.5 },
              removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
              removeOnFail: { age: 30 * 24 * 3600 },
            },
          },
          { name: QUEUES.chasing },
        ),
      ],
      providers: [
        {
          provide: RELAY_OPTIONS,
          useValue: {
            pollIntervalMs: options.relayPollIntervalMs ?? 200,
            wakeOnAppend: options.wakeOnAppend ?? true,
            ...config.processors,
          },
        },
        OutboxRelay,
        ReportingProcessor,
        ReportingProjection,
        mailProcessorFor(config),
        ...MAIL_LEDGER_PROVIDERS,
        SendLinkMail,
        SendPasswordMail,
        MailReconciler,
        ResetRequestSweep,
        LogCheckpointer,
        CycleRepository,
        PlanRepository,
        ...CHASING_PROVIDERS,
        chasingProcessorFor(config),
        RetentionSettings,
        RetentionRun,
        RetentionSchedule,
        RetentionCatchUp,
        RedisEmptiedWatch,
        MetricsListener,
        JobsDrain,
      ],
    };
  }
}
