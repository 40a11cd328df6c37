import { Body, Controller, Delete, Get, HttpCode, Inject, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { Response } from 'express';
import { ApiVersionedWrite, CurrentActor, NestedObjects, Roles } from '../../../http/src/index.js';
import { Actor, CommandEnvelope } from '../../../kernel/src/index.js';
import { WriteEnvelope, withETag } from '../../../returns/src/index.js';
import { STAFF_ROLES, StaffRole } from '../staff/staff-role.js';
import {
  ConfigureSingleSignOnCommand,
  TurnOffSingleSignOnCommand,
} from './configure-single-sign-on.command.js';
import { MAX_ROLE_RULES, ROLE_RULE_MATCHES, RoleRuleMatch } from './single-sign-on.js';
import { SingleSignOnSetups, SingleSignOnView } from './single-sign-on.query.js';

export class RoleRuleDto {
  @ApiProperty({
    enum: ROLE_RULE_MATCHES,
    description:
      'What the rule matches in the ID token: "subject" its sub, "email" its email (any case), "group" one of ' +
      'its groups claim or Entra ID app roles claim',
  })
  @IsIn(ROLE_RULE_MATCHES)
  match: RoleRuleMatch;
  @ApiProperty({ maxLength: 254, example: '6f1c2a9e-3b7d-4c55-9a0e-2f8b1d7e4c10' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  value: string;
  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
}

export class SingleSignOnDto {
  @ApiProperty({ maxLength: 100, example: 'Sevenoaks District Council', description: '"Sign in with" it' })
  @IsString()
  @MaxLength(100)
  organisation: string;
  @ApiProperty({ maxLength: 500, example: 'https://login.microsoftonline.com/<tenant id>/v2.0' })
  @IsString()
  @MaxLength(500)
  issuer: string;
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @MaxLength(200)
  clientId: string;
  @ApiProperty({
    example: 'SSO_CLIENT_SECRET_SEVENOAKS',
    description:
      'The name of the environment variable on the server that holds the client secret (never the secret ' +
      'itself): SSO_CLIENT_SECRET_ then capitals, digits or _',
  })
  @IsString()
  @Matches(/^SSO_CLIENT_SECRET_[A-Z0-9_]{1,64}$/)
  clientSecretEnv: string;
  @ApiProperty({ type: [RoleRuleDto], description: 'The first rule that matches a person gives their role' })
  @NestedObjects(() => RoleRuleDto)
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ROLE_RULES)
  rules: RoleRuleDto[];
}

export class SingleSignOnViewDto implements SingleSignOnView {
  @ApiProperty() enabled: boolean;
  @ApiProperty({ nullable: true, type: String }) organisation: string | null;
  @ApiProperty({ nullable: true, type: String }) issuer: string | null;
  @ApiProperty({ nullable: true, type: String }) clientId: string | null;
  @ApiProperty({ nullable: true, type: String }) clientSecretEnv: string | null;
  @ApiProperty({ description: 'Whether the named variable is set on this server' }) clientSecretSet: boolean;
  @ApiProperty({ description: 'Register this at the provider as the redirect URI' }) redirectUri: string;
  @ApiProperty({
    description: 'Your partnership’s own sign-in page, with its “Sign in with” button: give it to your staff',
  })
  signInPage: string;
  @ApiProperty({ type: [RoleRuleDto] }) rules: RoleRuleDto[];
  @ApiProperty({ description: 'Send it back as If-Match', example: 1 }) version: number;
}

const COORDINATORS_ONLY = 'Only a coordinator sets up single sign-on';

@ApiTags('auth')
// Always the coordinator's own partnership: there is no id in the path to point at another one.
@Controller('single-sign-on')
@Roles(['coordinator'], COORDINATORS_ONLY)
export class SingleSignOnHttp {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(SingleSignOnSetups) private readonly setups: SingleSignOnSetups,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your partnership’s OpenID Connect provider and role mapping (coordinator)' })
  @ApiOkResponse({ type: SingleSignOnViewDto })
  async get(@CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    return withETag(res, await this.setups.view(actor.partnershipId));
  }

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set up sign-in with your organisation’s OpenID Connect provider (coordinator)',
    description:
      'Records SingleSignOnConfigured on the partnership’s single-sign-on stream (nothing when unchanged). ' +
      'Staff then see "Sign in with <organisation>" on the partnership’s own sign-in page (`signInPage`); ' +
      'password sign-in goes on working.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: SingleSignOnViewDto })
  async put(
    @Body() body: SingleSignOnDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SingleSignOnView> {
    const { organisation, issuer, clientId, clientSecretEnv, rules } = body;
    return withETag(
      res,
      await this.commands.execute(
        new ConfigureSingleSignOnCommand(envelope, {
          organisation,
          issuer,
          clientId,
          clientSecretEnv,
          rules,
        }),
      ),
    );
  }

  @Delete()
  @HttpCode(200)
  @ApiOperation({ summary: 'Stop signing in with the provider; password sign-in stays (coordinator)' })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: SingleSignOnViewDto })
  async turnOff(
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SingleSignOnView> {
    return withETag(res, await this.commands.execute(new TurnOffSingleSignOnCommand(envelope)));
  }
}
