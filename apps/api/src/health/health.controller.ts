import { Controller, Get, Inject, OnApplicationShutdown } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/src/index.js';
import { healthRedis } from '../../../../libs/queues/src/index.js';

@ApiTags('health')
@Controller('health')
export class HealthController implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    @Inject(HealthCheckService) private readonly health: HealthCheckService,
    @Inject(TypeOrmHealthIndicator) private readonly db: TypeOrmHealthIndicator,
    @Inject(HealthIndicatorService) private readonly indicators: HealthIndicatorService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = healthRedis(config.redisUrl);
  }

  /** The process is up (for restarts): no dependencies checked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready to serve: PostgreSQL and Redis both answer. */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.db.pingCheck('postgres').withTimeout(1500),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => {
            if (this.redis.status === 'wait' || this.redis.status === 'end')
              await this.redis.connect().catch(() => undefined);
            await this.redis.ping();
          })
          .withTimeout(1500),
    ]);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}
