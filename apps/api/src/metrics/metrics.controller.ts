import { Controller, Get, Headers, Inject, Res, UnauthorizedException } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/src/index.js';
import { Public } from '../../../../libs/http/src/index.js';
import { metricsAllowed, OperatorSignals } from '../../../../libs/signals/src/index.js';

/**
 * Prometheus' scrape of the api. Not a partnership's route: no session is asked for (a scraper has none); when
 * METRICS_TOKEN is set only its bearer may read, else anyone who can reach the port (keep it off the internet).
 */
@ApiTags('operations')
@Controller('metrics')
@Public()
export class MetricsController {
  constructor(
    @Inject(OperatorSignals) private readonly signals: OperatorSignals,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Operators’ signals in Prometheus text format',
    description:
      'Relay lag, processors behind, the oldest open transaction, parked events, queue depths, mail outcomes and ' +
      'the Node process. Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set.',
  })
  @ApiBearerAuth()
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'The metrics, Prometheus text exposition format 0.0.4',
    schema: { type: 'string', example: 'partner_returns_relay_lag_seconds 0' },
  })
  @ApiUnauthorizedResponse({ description: 'METRICS_TOKEN is set and the request does not carry it' })
  async metrics(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    if (!metricsAllowed(this.config.metrics.token, authorization)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="metrics"');
      throw new UnauthorizedException({
        type: 'https://partner-returns.dev/problems/metrics-token',
        title: 'The metrics need the metrics token',
        status: 401,
        detail: 'Send Authorization: Bearer <METRICS_TOKEN>.',
      });
    }
    const text = await this.signals.scrape();
    res.setHeader('Content-Type', this.signals.contentType);
    return text;
  }
}
