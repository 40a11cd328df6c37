import { Controller, Delete, Get, Headers, HttpCode, Inject, Post, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import {
  ApiVersionedWrite,
  CurrentActor,
  Roles,
  ShownOnce,
  versionFromIfMatch,
} from '../../../http/src/index.js';
import { Actor, Clock } from '../../../kernel/src/index.js';
import { BiAccess, BiAccessView } from './bi-access.js';

const COORDINATORS_ONLY = "Only a coordinator can manage the partnership's BI access";

/**
 * The caller's own partnership's read-only PostgreSQL role for Power BI and Excel (the README's "BI feed"). The
 * path names no partnership: a coordinator can only ever reach their own.
 */
@ApiTags('bi')
@Controller('partnership/bi-access')
@Roles(['coordinator'], COORDINATORS_ONLY)
export class BiAccessHttp {
  constructor(
    @Inject(BiAccess) private readonly access: BiAccess,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "The partnership's BI role: its name, database, views, and who made or last rotated it (no password)",
  })
  @ApiOkResponse({ description: 'The BI access; 404 `bi-access-not-found` when none was made yet' })
  async status(
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BiAccessView> {
    const view = await this.access.status(actor.partnershipId);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }

  @Post()
  @ShownOnce('password')
  @ApiVersionedWrite()
  @ApiOperation({
    summary: "Creates the partnership's BI role, or gives it a new password: the password is shown this once",
    description:
      "The role may read the views of schema `bi` (its partnership's rows only) and nothing else. A rotation " +
      'ends the old password and, where the database server allows it, the sessions opened with it. 503 ' +
      "`bi-roles-unavailable` when the service's database user may not manage roles.",
  })
  @ApiCreatedResponse({ description: 'The role, its database and views, and its password (shown once)' })
  async grant(
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<BiAccessView & { password: string }> {
    const granted = await this.access.grant(actor, this.clock.now(), versionFromIfMatch(ifMatch));
    res.setHeader('ETag', `"${granted.version}"`);
    res.setHeader('Cache-Control', 'no-store');
    return granted;
  }

  @Delete()
  @HttpCode(204)
  @ApiVersionedWrite()
  @ApiOperation({ summary: "Drops the partnership's BI role: BI tools can no longer connect" })
  @ApiNoContentResponse({ description: 'Dropped; 404 `bi-access-not-found` when there was none' })
  async revoke(
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<void> {
    await this.access.revoke(actor.partnershipId, versionFromIfMatch(ifMatch));
  }
}
