import { Controller, Get, Inject, OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/src/index.js';
import { ParkedEvents } from '../../../../libs/event-store/src/index.js';
import { within } from '../../../../libs/kernel/src/index.js';
import { disconnectRedis, healthRedis, pingRedis } from '../../../../libs/queues/src/index.js';
import { Public } from '../../../../libs/http/src/index.js';

const CHECK_TIMEOUT_MS = 1500;

type Check = { status: 'up' } | { status: 'down'; message: string };

/** Up, or down with what does not answer, the variable that names it, and why (no address or secret). */
async function check(what: string, variable: string, probe: () => Promise<unknown>): Promise<Check> {
  try {
    await within(CHECK_TIMEOUT_MS, probe);
    return { status: 'up' };
  } catch (error) {
    const cause = (error as { code?: string }).code ?? (error as Error).message;
    return { status: 'down', message: `${what} (${variable}) does not answer: ${cause}` };
  }
}

@ApiTags('health')
@Controller('health')
@Public()
export class HealthController implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ParkedEvents) private readonly parked: ParkedEvents,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.redis = healthRedis(config.redisUrl);
  }

  /** The process is up (for restarts): no dependencies checked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /**
   * Ready to serve: PostgreSQL and Redis both answer. A 503 is problem+json naming what is down (and its
   * variable). The processors' held events are detail for operators, not a reason to stop serving: their
   * streams and errors are on /admin/processors and in npm run processors -- status, not on this open route.
   */
  @Get('ready')
  async ready() {
    const [postgres, redis] = await Promise.all([
      check('PostgreSQL', 'DATABASE_URL', () => this.dataSource.query('SELECT 1')),
      check('Redis', 'REDIS_URL', () => pingRedis(this.redis)),
    ]);
    const details: Record<string, object> = {
      postgres,
      redis,
      processors: postgres.status === 'up' ? await this.processors() : { status: 'unknown' },
    };
    const down = Object.entries({ postgres, redis }).filter(([, c]) => c.status === 'down');
    const info = Object.fromEntries(
      Object.entries(details).filter(([name]) => !down.some(([d]) => d === name)),
    );
    if (down.length === 0) return { status: 'ok', info, error: {}, details };
    throw new ServiceUnavailableException({
      type: 'https://partner-returns.dev/problems/not-ready',
      title: `Not ready: ${down.map(([name]) => name).join(' and ')} ${down.length === 1 ? 'is' : 'are'} down`,
      status: 503,
      detail: down.map(([, c]) => (c as { message: string }).message).join('; '),
      info,
      error: Object.fromEntries(down),
      details,
    });
  }

  private async processors() {
    let list;
    try {
      list = await within(CHECK_TIMEOUT_MS, () => this.parked.list());
    } catch (error) {
      return { status: 'unknown', message: (error as Error).message };
    }
    return {
      status: 'up',
      held: list.length,
      parked: list.map((p) => ({
        processor: p.processor,
        position: p.globalPosition,
        type: p.type,
        state: p.state,
        attempts: p.attempts,
        since: p.firstFailedAt,
        parkedAt: p.parkedAt,
      })),
    };
  }

  onApplicationShutdown(): void {
    disconnectRedis(this.redis);
  }
}
