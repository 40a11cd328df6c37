import { Body, Controller, Delete, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { CurrentActor, Roles, ShownOnce } from '../../../http/src/index.js';
import { Actor, ANY_STAFF, DomainError } from '../../../kernel/src/index.js';
import { AuthService } from '../auth.service.js';

export class CreateApiTokenDto {
  @ApiProperty({ maxLength: 100, description: 'What the token is for', example: 'nightly report export' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;
}

/** Bearer tokens for API clients: shown once at creation, stored as SHA-256, revocable. */
@ApiTags('auth')
@Controller('auth/tokens')
@Roles(ANY_STAFF, 'Only staff accounts hold API tokens')
export class ApiTokensHttp {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post()
  @ShownOnce('token')
  async create(@Body() body: CreateApiTokenDto, @CurrentActor() actor: Actor) {
    return this.auth.createApiToken(actor.id, body.name, actor.partnershipId);
  }

  @Delete(':tokenId')
  @HttpCode(204)
  async revoke(
    @Param('tokenId', new ParseUUIDPipe()) tokenId: string,
    @CurrentActor() actor: Actor,
  ): Promise<void> {
    if (!(await this.auth.revokeApiToken(actor.id, tokenId, actor.partnershipId))) {
      throw new DomainError('token-not-found', 'No such token', 'not-found');
    }
  }
}
