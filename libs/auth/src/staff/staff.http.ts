import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsEmail, IsIn, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { CurrentActor } from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../returns/src/domain-error.js';
import { AuthService, STAFF_ROLES, StaffRole } from '../auth.service.js';

export class CreateStaffDto {
  @IsEmail() @MaxLength(254) email: string;
  @IsString() @IsNotEmpty() @MaxLength(200) name: string;
  @IsIn(STAFF_ROLES) role: StaffRole;
  @IsString() @MinLength(12) @MaxLength(200) password: string;
}

/** A coordinator adds reviewers, viewers and other coordinators to their own partnership. */
@ApiTags('staff')
@Controller('staff')
export class StaffHttp {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post()
  async create(@Body() body: CreateStaffDto, @CurrentActor() actor: Actor) {
    if (actor.role !== 'coordinator')
      throw new DomainError('forbidden', 'Only a coordinator can add staff', 403);
    const { staffId } = await this.auth.createStaff({ ...body, partnershipId: actor.partnershipId });
    return { staffId, email: body.email.toLowerCase(), role: body.role, partnershipId: actor.partnershipId };
  }
}
