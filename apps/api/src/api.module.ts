import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig, ConfigModule, loggingModule } from '../../../libs/config/src/index.js';
import { Clock, SystemClock } from '../../../libs/kernel/src/index.js';
import { RolesGuard } from '../../../libs/http/src/index.js';
import { DatabaseModule } from '../../../libs/database/src/index.js';
import { EventStoreModule } from '../../../libs/event-store/src/index.js';
import { SCHEMA } from '../../composition/src/index.js';
import { PlanModule } from '../../../libs/plan/src/index.js';
import { WebModule } from '../../../libs/web/src/index.js';
import { ReportingModule } from '../../../libs/reporting/src/index.js';
import { ReturnsModule } from '../../../libs/returns/src/index.js';
import { ChasingModule } from '../../../libs/chasing/src/index.js';
import { QueueDashboardModule } from './queue-dashboard/queue-dashboard.module.js';
import { AuthMiddleware, AuthModule } from '../../../libs/auth/src/index.js';
import { DevMailHttp } from './dev-mail/dev-mail.http.js';
import { DevMailbox } from './dev-mail/dev-mailbox.js';
import { HealthController } from './health/health.controller.js';
import { ProcessorsModule } from './processors/processors.module.js';
import { SignalsModule } from '../../../libs/signals/src/index.js';
import { MetricsController } from './metrics/metrics.controller.js';

@Module({})
export class ApiModule implements NestModule {
  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    const development = config.nodeEnv !== 'production';
    // The embedded catcher's mail is listed only where it catches mail: outside production, with no SMTP_URL.
    const devMail = development && !config.smtpUrl;
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        loggingModule(config),
        DatabaseModule.forRoot(SCHEMA),
        EventStoreModule,
        TerminusModule,
        AuthModule,
        PlanModule,
        WebModule,
        ReturnsModule,
        ReportingModule,
        ChasingModule,
        QueueDashboardModule,
        ProcessorsModule,
        SignalsModule,
      ],
      controllers: [HealthController, MetricsController, ...(devMail ? [DevMailHttp] : [])],
      providers: [
        // Every route declares who may use it (@Roles or @Public); the guard holds each to it.
        { provide: APP_GUARD, useClass: RolesGuard },
        ...(devMail ? [DevMailbox] : []),
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // '{*path}', not '*path': the root too, so that `/` knows who is signed in. Not the health and metrics routes:
    // they ask no one who they are, and with PostgreSQL stalled a bearer token's lookup held a probe for as long.
    consumer.apply(AuthMiddleware).exclude('health/{*path}', 'metrics').forRoutes('{*path}');
  }
}
