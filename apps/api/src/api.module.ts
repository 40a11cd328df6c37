import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import {
  AppConfig,
  Clock,
  ConfigModule,
  loggingModule,
  SystemClock,
} from '../../../libs/config/src/index.js';
import { DatabaseModule } from '../../../libs/database/src/index.js';
import { ReportingModule } from '../../../libs/reporting/src/reporting.module.js';
import { ReturnsModule } from '../../../libs/returns/src/returns.module.js';
import { DevActorMiddleware } from './auth/dev-actor.middleware.js';
import { DevMailHttp } from './dev-mail/dev-mail.http.js';
import { HealthController } from './health/health.controller.js';

@Module({})
export class ApiModule implements NestModule {
  private static config: AppConfig;

  static forRoot(config: AppConfig, clock: Clock = new SystemClock()): DynamicModule {
    ApiModule.config = config;
    const development = config.nodeEnv !== 'production';
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config, clock),
        loggingModule(config),
        DatabaseModule.forRoot(),
        TerminusModule,
        ReturnsModule,
        ReportingModule,
      ],
      controllers: [HealthController, ...(development && !config.smtpUrl ? [DevMailHttp] : [])],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (ApiModule.config?.nodeEnv !== 'production') consumer.apply(DevActorMiddleware).forRoutes('*path');
  }
}
