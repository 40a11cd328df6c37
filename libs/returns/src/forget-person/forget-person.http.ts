import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { ApiIdempotencyKey, Roles } from '../../../http/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { CommandResultDto, WriteEnvelope } from '../command-http.js';
import { ForgetPersonCommand } from './forget-person.command.js';

export class ForgetPersonDto {
  @ApiProperty({
    description:
      "The address of one of the partnership's agency contacts (current or removed) or of its staff (not the caller's own)",
    example: 'jo.smith@police.example.org',
    maxLength: 320,
  })
  @IsString()
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({
    description: 'Why they are forgotten; kept for good, so it may not give their name or address',
    example: 'Erasure asked for under UK GDPR article 17 on 3 December 2026',
    maxLength: 2000,
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  reason: string;
}

@ApiTags('partnership')
@Controller('partnership/people')
export class ForgetPersonHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('forget')
  @Roles(['coordinator'], 'Only a coordinator can forget a person')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Forget a person: their name and address become [erased] everywhere (coordinator)',
    description:
      "Deletes the person's key, so every event holding their name or address reads [erased] from now on, in " +
      'history, read models and rebuilds alike; copies outside the log are erased too. No event is rewritten. ' +
      'Records PersonForgotten with the person id and the reason only. Mail to them is no longer sent. ' +
      'A member of staff loses their account too. The answer names the person by id (status "forgotten"); someone ' +
      "not among the partnership's contacts or staff is 404, the caller's own address 422, and an address " +
      'another partnership on the service also has 409 (person-in-other-partnership: the operator decides).',
  })
  // Idempotency-Key only: no version of the person is known to the caller to state (If-Match was documented here
  // and never checked).
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: CommandResultDto })
  async forget(
    @Body() body: ForgetPersonDto,
    @WriteEnvelope() envelope: CommandEnvelope,
  ): Promise<CommandResultDto> {
    return this.commands.execute(new ForgetPersonCommand(envelope, body.email, body.reason));
  }
}
