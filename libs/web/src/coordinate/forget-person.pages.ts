import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ERASED } from '../../../event-store/src/index.js';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { contactKey } from '../../../plan/src/index.js';
import { EditPlan, ForgetPersonCommand } from '../../../returns/src/index.js';
import { staffNavigation } from '../review.pages.js';
import { FormValue } from '../form-fields.js';

interface ForgetForm {
  reason?: FormValue;
}

/**
 * "Forget this person" from the plan's agencies and contacts (issue 17 point 2): a page that says what will
 * happen and asks for the reason, then the same ForgetPerson command as POST /partnership/people/forget. A plain
 * form, so it works without JavaScript; a refused reason comes back GOV.UK style with what was typed.
 */
@ApiExcludeController()
@Controller('coordinate/plan/contact/:key/forget')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class ForgetPersonPages {
  constructor(
    @Inject(EditPlan) private readonly plans: EditPlan,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get()
  async confirm(@Param('key') key: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    this.render(res, 200, actor, key, await this.contact(actor, key), {});
  }

  @Post()
  async forget(
    @Param('key') key: string,
    @Body() form: ForgetForm,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const contact = await this.contact(actor, key);
    const reason = typeof form.reason === 'string' ? form.reason : '';
    try {
      await this.commands.execute(new ForgetPersonCommand({ actor, correlationId }, contact.email, reason));
    } catch (error) {
      if (!(error instanceof DomainError) || error.field !== 'reason') throw error;
      return this.render(res, 422, actor, key, contact, { reason, problem: error.message });
    }
    const done = 'Person forgotten: their name and email address now read [erased] everywhere';
    return res.redirect(303, `/coordinate/plan?${pageMessageQuery(res, 'done', done)}`);
  }

  /** The contact the key names in the coordinator's own plan; not found when none (or already forgotten). */
  private async contact(actor: Actor, key: string) {
    const plan = await this.plans.current(actor.partnershipId);
    for (const agency of plan?.file.agencies ?? [])
      for (const c of agency.contacts)
        if (c.email !== ERASED && contactKey(agency.id, c.email) === key)
          return { ...c, agencyName: agency.name };
    throw new DomainError('person-not-found', 'No such contact in your plan', 'not-found');
  }

  private render(
    res: Response,
    status: number,
    actor: Actor,
    key: string,
    contact: { name: string; email: string; agencyName: string },
    typed: { reason?: string; problem?: string },
  ) {
    const heading = `Forget ${contact.name}?`;
    res.status(status).render('pages/coordinate/forget-person', {
      title: `${typed.problem ? 'Error: ' : ''}${heading}`,
      heading,
      person: contact,
      caption: contact.agencyName,
      back: { text: 'Back to the plan', href: '/coordinate/plan' },
      staff: false,
      postTo: `/coordinate/plan/contact/${encodeURIComponent(key)}/forget`,
      reason: typed.reason ?? '',
      errors: typed.problem ? { reason: { text: typed.problem } } : {},
      errorList: typed.problem ? [{ text: typed.problem, href: '#reason' }] : [],
      navigation: staffNavigation(actor, '/coordinate/plan'),
    });
  }
}
