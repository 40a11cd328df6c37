import { Body, Controller, Get, HttpCode, Inject, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { Response } from 'express';
import { ApiVersionedWrite, CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, ANY_STAFF, CommandEnvelope } from '../../../kernel/src/index.js';
import { WriteEnvelope, withETag } from '../../../returns/src/index.js';
import { ChooseMailDeliveryCommand, MailPreferenceView } from './mail-preferences.command.js';
import { MAIL_DELIVERIES, MailDelivery } from './mail-preference.js';
import { MailPreferences } from './mail-preferences.query.js';

export class MailPreferenceDto {
  @ApiProperty({
    enum: MAIL_DELIVERIES,
    description:
      '"digest": one mail per interval (DIGEST_INTERVAL_MS, hourly by default) listing what happened in it; ' +
      '"at-once": one mail for each submission or message as it comes',
  })
  @IsIn(MAIL_DELIVERIES)
  delivery: MailDelivery;
}

export class MailPreferenceViewDto implements MailPreferenceView {
  @ApiProperty({ enum: MAIL_DELIVERIES }) delivery: MailDelivery;
  @ApiProperty({ description: 'False while the default (digest) is in force' }) chosen: boolean;
  @ApiProperty({ example: 'hourly digests' }) digests: string;
  @ApiProperty({ description: 'Send it back as If-Match', example: 1 }) version: number;
}

const STAFF_ONLY = 'Only staff choose how they get mail; agency leads hear of their own returns only';

@ApiTags('account')
// Not under /account: that is a page prefix, whose writes all carry a page's CSRF token (libs/web csrf.ts).
@Controller('me/mail-preferences')
@Roles(ANY_STAFF, STAFF_ONLY)
export class MailPreferencesHttp {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(MailPreferences) private readonly preferences: MailPreferences,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'How you hear of new submissions and messages: a digest per interval, or one mail each at once',
  })
  @ApiOkResponse({ type: MailPreferenceViewDto })
  async get(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    return withETag(res, await this.preferences.view(actor));
  }

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Choose how you hear of new submissions and messages (any staff member, for themselves)',
    description:
      'Records MailDeliveryChosen on your own mail-preferences stream (nothing when the choice is already in ' +
      'force). It applies to what happens from now on: a submission is mailed as the choice in force when it ' +
      'came says.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: MailPreferenceViewDto })
  async put(
    @Body() body: MailPreferenceDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MailPreferenceView> {
    return withETag(res, await this.commands.execute(new ChooseMailDeliveryCommand(envelope, body.delivery)));
  }
}
