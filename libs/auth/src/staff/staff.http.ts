import { Body, Controller, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { CurrentActor, Optional, Roles } from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { GetPlan } from '../../../returns/src/index.js';
import { AuthService, STAFF_ROLES, StaffRole } from '../auth.service.js';

export class CreateStaffDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'reviewer@sevenoaks.gov.uk' })
  @IsEmail()
  @MaxLength(254)
  email: string;
  @ApiProperty({ maxLength: 200, example: 'Sam Reviewer' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role: StaffRole;
  @ApiProperty({
    minLength: 12,
    maxLength: 200,
    description: 'At least 12 characters; stored as an argon2id hash',
  })
  @IsString()
  @MinLength(12)
  @MaxLength(200)
  password: string;
  @ApiPropertyOptional({
    type: [String],
    description: 'For reviewers: the themes they review; none means every theme',
    example: ['health'],
  })
  /** For reviewers: the themes they review (they hear of submissions in these); none means every theme. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[a-z0-9-]{1,64}$/, { each: true })
  themeIds?: string[];
}

export class ThemesDto {
  @ApiProperty({ type: [String], maxItems: 100, description: 'Theme ids; empty means every theme' })
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[a-z0-9-]{1,64}$/, { each: true })
  themeIds: string[];
}

/** A coordinator adds reviewers, viewers and other coordinators to their own partnership. */
@ApiTags('staff')
@Controller('staff')
export class StaffHttp {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(GetPlan) private readonly plans: GetPlan,
  ) {}

  /**
   * Only the plan's themes, as the page offers them: a reviewer given only unknown ones reviewed nothing, where
   * an empty list means every theme.
   */
  private async requireKnownThemes(actor: Actor, themeIds: readonly string[] = []): Promise<void> {
    if (themeIds.length === 0) return;
    const known = new Set((await this.plans.load(actor.partnershipId))?.themes.map((t) => t.themeId) ?? []);
    const unknown = themeIds.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new DomainError(
        'theme-unknown',
        `themeIds: the plan has no theme ${unknown.map((id) => JSON.stringify(id)).join(', ')}`,
        'unprocessable',
        'themeIds',
      );
    }
  }

  @Post()
  @Roles(['coordinator'], 'Only a coordinator can add staff')
  async create(@Body() body: CreateStaffDto, @CurrentActor() actor: Actor) {
    await this.requireKnownThemes(actor, body.themeIds);
    const { staffId } = await this.auth.createStaff({ ...body, partnershipId: actor.partnershipId });
    return {
      staffId,
      email: body.email.toLowerCase(),
      role: body.role,
      partnershipId: actor.partnershipId,
      themeIds: body.themeIds ?? [],
    };
  }

  /** Sets the themes a reviewer looks after; an empty list means every theme. */
  @Put(':email/themes')
  @Roles(['coordinator'], 'Only a coordinator can assign themes')
  @HttpCode(200)
  async themes(@Param('email') email: string, @Body() body: ThemesDto, @CurrentActor() actor: Actor) {
    if (!(await this.auth.hasStaff(actor.partnershipId, email))) {
      throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
    }
    await this.requireKnownThemes(actor, body.themeIds);
    if (!(await this.auth.assignThemes(actor.partnershipId, email, body.themeIds))) {
      throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
    }
    return { email: email.toLowerCase(), themeIds: [...new Set(body.themeIds)] };
  }

  /** Disables an account at once: its sessions end and its API tokens are revoked in the same transaction. */
  @Post(':email/disable')
  @Roles(['coordinator'], 'Only a coordinator can disable staff')
  @HttpCode(200)
  async disable(@Param('email') email: string, @CurrentActor() actor: Actor) {
    // A coordinator who locks themselves out may leave the partnership with nobody to let them back in.
    if (email.toLowerCase() === actor.id.toLowerCase()) {
      throw new DomainError(
        'cannot-disable-self',
        'You cannot disable your own account',
        'unprocessable',
        'email',
      );
    }
    const disabled = await this.auth.disableStaff(actor.partnershipId, email);
    if (!disabled) throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
    return {
      email: email.toLowerCase(),
      disabledAt: disabled.disabledAt.toISOString(),
      sessionsEnded: disabled.sessionsEnded,
      tokensRevoked: disabled.tokensRevoked,
    };
  }
}
