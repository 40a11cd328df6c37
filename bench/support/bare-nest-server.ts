/**
 * The baseline of the HTTP command benchmark: a bare NestJS 12 app, run as its own process like the api,
 * whose command routes (same paths and JSON bodies as the product's) each do the least a command could do: one
 * `INSERT` of the event row into an events-shaped table, in one round trip, with a pool of the same size.
 * No authentication, no validation, no logging, no stream load, no version check.
 *
 * The same module runs on either HTTP adapter, so that two of these side by side differ in the adapter alone
 * (issue 18.5: what Fastify could pay at most before anyone moves the product to it).
 *
 * Environment: DATABASE_URL (with the raw_events table), PORT, BARE_ADAPTER (express, the default, or fastify).
 */
import 'reflect-metadata';
import {
  Body,
  Controller,
  Get,
  HttpCode,
  INestApplication,
  Inject,
  Module,
  OnApplicationShutdown,
  Param,
  Post,
  Put,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Pool } from 'pg';

const POOL = 'BASELINE_POOL';
const INSERT = `INSERT INTO raw_events (stream_id, version, type, schema_version, data, metadata)
  VALUES ($1, 1, $2, 1, $3, $4) RETURNING global_position`;
let sequence = 0;

@Controller('returns/:returnId')
class BareCommands {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  @Put('draft')
  draft(@Param('returnId') id: string, @Body() body: unknown) {
    return this.insert(id, 'ReturnDraftSaved', body, 'draft');
  }

  @Post('submit')
  @HttpCode(200)
  submit(@Param('returnId') id: string, @Body() body: unknown) {
    return this.insert(id, 'ReturnSubmitted', body, 'submitted');
  }

  @Post('approve')
  @HttpCode(200)
  approve(@Param('returnId') id: string) {
    return this.insert(id, 'ReturnApproved', {}, 'approved');
  }

  private async insert(id: string, type: string, content: unknown, status: string) {
    // Each request its own stream, so unique (stream_id, version) never refuses a row.
    const streamId = `return:${id}#${process.pid}-${++sequence}`;
    await this.pool.query(INSERT, [
      streamId,
      type,
      JSON.stringify({ content, by: 'baseline' }),
      JSON.stringify({ actorId: 'baseline', actorRole: 'agency-lead', correlationId: streamId }),
    ]);
    return { id, version: 1, status };
  }
}

@Controller('health')
class BareHealth {
  @Get('ready')
  ready() {
    return { status: 'ok' };
  }
}

@Module({
  controllers: [BareCommands, BareHealth],
  providers: [
    {
      provide: POOL,
      useFactory: () =>
        new Pool({ connectionString: process.env.DATABASE_URL, max: 20, application_name: 'pr-bench-bare' }),
    },
  ],
})
class BareModule implements OnApplicationShutdown {
  constructor(@Inject(POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

/** JSON bodies up to 2 MB on either adapter, as the api takes. */
const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

async function createApp(adapter: string): Promise<INestApplication> {
  switch (adapter) {
    case 'express': {
      const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: ['error'] });
      app.useBodyParser('json', { limit: BODY_LIMIT_BYTES });
      return app;
    }
    case 'fastify': {
      // Loaded only when asked for: the express baseline should not pay for loading Fastify.
      const { FastifyAdapter } = await import('@nestjs/platform-fastify');
      return NestFactory.create<NestFastifyApplication>(
        BareModule,
        new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES }),
        { logger: ['error'] },
      );
    }
    default:
      throw new Error(`BARE_ADAPTER must be express or fastify, got "${adapter}"`);
  }
}

async function main(): Promise<void> {
  const app = await createApp(process.env.BARE_ADAPTER ?? 'express');
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT), '127.0.0.1');
}

void main();
