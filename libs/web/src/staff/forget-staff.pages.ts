import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { StaffDirectory, StaffMember } from '../../../auth/src/index.js';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { ForgetPersonCommand } from '../../../returns/src/index.js';
import { staffNavigation } from '../review.pages.js';

const HOME = '/coordinate/staff';

/**
 * "Forget this person" for a member of staff, from their page on the staff list: the same page and the same
 * ForgetPerson command as for an agency contact (POST /partnership/people/forget), which deletes their account.
 */
@ApiExcludeController()
@Controller('coordinate/staff/:staffId/forget')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'Only a coordinator manages staff')
export class ForgetStaffPages {
  constructor(
    @Inject(StaffDirectory) private readonly staff: StaffDirectory,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get()
  async confirm(@Param('staffId') staffId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    this.render(res, 200, actor, await this.member(actor, staffId), {});
  }

  @Post()
  async forget(
    @Param('staffId') staffId: string,
    @Body() form: { reason?: unknown },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const member = await this.member(actor, staffId);
    const reason = typeof form.reason === 'string' ? form.reason : '';
    try {
      await this.commands.execute(new ForgetPersonCommand({ actor, correlationId }, member.email, reason));
    } catch (error) {
      if (!(error instanceof DomainError) || error.field !== 'reason') throw error;
      return this.render(res, 422, actor, member, { reason, problem: error.message });
    }
    const done = 'Person forgotten: their account is deleted and their name and email address read [erased]';
    return res.redirect(303, `${HOME}?${pageMessageQuery(res, 'done', done)}`);
  }

  /** The member of the coordinator's own partnership, not themselves (they are forgotten by another coordinator). */
  private async member(actor: Actor, staffId: string): Promise<StaffMember> {
    const member = await this.staff.one(actor.partnershipId, staffId);
    if (!member || member.email === actor.id.toLowerCase())
      throw new DomainError('staff-not-found', 'No such member of staff to forget', 'not-found');
    return member;
  }

  private render(
    res: Response,
    status: number,
    actor: Actor,
    member: StaffMember,
    typed: { reason?: string; problem?: string },
  ) {
    const heading = `Forget ${member.name}?`;
    res.status(status).render('pages/coordinate/forget-person', {
      title: `${typed.problem ? 'Error: ' : ''}${heading}`,
      heading,
      person: member,
      caption: 'Staff',
      back: { text: `Back to ${member.name}`, href: `${HOME}/${encodeURIComponent(member.staffId)}` },
      staff: true,
      postTo: `${HOME}/${encodeURIComponent(member.staffId)}/forget`,
      reason: typed.reason ?? '',
      errors: typed.problem ? { reason: { text: typed.problem } } : {},
      errorList: typed.problem ? [{ text: typed.problem, href: '#reason' }] : [],
      navigation: staffNavigation(actor, HOME),
    });
  }
}
