import { Body, Controller, Get, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ParkedEvents } from '../../../../libs/event-store/src/index.js';
import { CurrentActor, PageErrorFilter, Roles } from '../../../../libs/http/src/index.js';
import { Actor, DomainError } from '../../../../libs/kernel/src/index.js';
import { FormFields, FormValue, singleValues, staffNavigation } from '../../../../libs/web/src/index.js';
import { DeploymentOperator } from '../queue-dashboard/operator-partnership.js';
import { QueryText } from '../../../../libs/http/src/index.js';

export const PROCESSORS_PAGE = '/admin/processors';

type Form = Record<string, FormValue>;

/**
 * The event processors for the operator: where each has read to, the events each holds back (parked after their
 * tries, or still being retried) with why, and a form to retry or skip each. The worker carries the request out;
 * who asked, when and why is kept. Like the queue dashboard it spans every partnership, so only the operator
 * partnership's coordinators see it.
 */
@ApiExcludeController()
@Controller('admin/processors')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'Only a coordinator can see the event processors')
export class ProcessorsPage {
  constructor(
    @Inject(ParkedEvents) private readonly parked: ParkedEvents,
    @Inject(DeploymentOperator) private readonly operator: DeploymentOperator,
  ) {}

  @Get()
  async page(
    @CurrentActor() actor: Actor,
    @QueryText('done') done: string | undefined,
    @QueryText('error') error: string | undefined,
    @Res() res: Response,
  ) {
    await this.operatorOnly(actor);
    const [positions, held, history] = await Promise.all([
      this.parked.positions(),
      this.parked.list(),
      this.parked.history(20),
    ]);
    res.render('pages/admin/processors', {
      title: 'Event processors',
      positions,
      held,
      history,
      done,
      error,
      signedIn: true,
      navigation: staffNavigation(actor, PROCESSORS_PAGE),
    });
  }

  @Post('retry')
  async retry(@Body() posted: Form, @CurrentActor() actor: Actor, @Res() res: Response) {
    await this.operatorOnly(actor);
    return this.ask(res, singleValues(posted), 'retry', actor);
  }

  @Post('skip')
  async skip(@Body() posted: Form, @CurrentActor() actor: Actor, @Res() res: Response) {
    await this.operatorOnly(actor);
    const form = singleValues(posted);
    if (!form.reason?.trim()) {
      return back(res, 'error', 'Say why the event is skipped: the reason is kept with the skip');
    }
    return this.ask(res, form, 'skip', actor);
  }

  private async ask(res: Response, form: FormFields, action: 'retry' | 'skip', actor: Actor) {
    const position = Number(form.position);
    if (!form.processor || !/^[1-9]\d{0,17}$/.test(form.position ?? '')) {
      return back(res, 'error', 'Choose an event to ' + action + ' from the list');
    }
    const asked = await this.parked.request(
      form.processor,
      position,
      action,
      actor.id,
      form.reason?.trim().slice(0, 500) || null,
    );
    if (!asked.ok) return back(res, 'error', `Not done: ${asked.message}`);
    return back(
      res,
      'done',
      `${action === 'retry' ? 'Retry' : 'Skip'} of event ${position} asked of ${form.processor}: the worker carries it out within a second or two. Reload to see what came of it.`,
    );
  }

  private async operatorOnly(actor: Actor): Promise<void> {
    if (!(await this.operator.runsTheDeployment(actor.partnershipId))) {
      throw new DomainError(
        'forbidden',
        "The event processors serve every partnership: only the operator partnership's coordinators see them",
        'forbidden',
      );
    }
  }
}

function back(res: Response, kind: 'done' | 'error', message: string): void {
  res.redirect(303, `${PROCESSORS_PAGE}?${kind}=${encodeURIComponent(message)}`);
}
