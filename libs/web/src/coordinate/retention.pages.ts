import { Body, Controller, Get, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ConcurrencyError } from '../../../event-store/src/index.js';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  PageMessage,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, Clock, DomainError } from '../../../kernel/src/index.js';
import {
  RETENTION_BOUNDS,
  RETENTION_FIELDS,
  RetentionField,
  RetentionDryRun,
  RetentionRun,
  RetentionSettings,
  RetentionView,
  SetRetentionPeriodsCommand,
} from '../../../returns/src/index.js';
import { staffNavigation } from '../review.pages.js';
import { errorsFor, FieldError } from '../staff/staff-form.js';
import { Form } from './coordinator.js';
import { formPageVersion, formText } from '../form-fields.js';

const HOME = '/coordinate/retention';

/** Each period's label and hint, in the order the form asks. */
const WORDS: Record<RetentionField, { label: string; hint: string }> = {
  contactMonths: {
    label: 'Contacts no longer on the plan, in months',
    hint: 'Their name and email address are forgotten this many months after the last cycle they were part of closed',
  },
  mailDays: {
    label: 'Copies of mail sent, in days',
    hint: 'Copies of mail bodies and the mail ledger’s finished entries are deleted after this many days',
  },
  sessionDays: {
    label: 'Sign-in records, in days',
    hint: 'Ended sessions, used or expired links and sign-in attempt records are deleted this many days after they ended',
  },
  evidenceYears: {
    label: 'Evidence files, in years',
    hint: 'The files of returns in cycles closed longer ago than this are deleted; their name, size and fingerprint (SHA-256) stay',
  },
};

const formatDate = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/**
 * The coordinator's page for the partnership's retention periods: a plain form (so no JavaScript is needed)
 * saved through the same command as PUT /partnership/retention, and what the next daily run would do.
 */
@ApiExcludeController()
@Controller('coordinate/retention')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'Only a coordinator sets retention periods')
export class RetentionPages {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(RetentionSettings) private readonly settings: RetentionSettings,
    @Inject(RetentionRun) private readonly retention: RetentionRun,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  async page(
    @PageMessage('done') done: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const view = await this.settings.view(actor.partnershipId);
    const form = Object.fromEntries(RETENTION_FIELDS.map((f) => [f, String(view[f])]));
    res.render('pages/coordinate/retention', await this.model(actor, view, form, [], done));
  }

  @Post()
  async save(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const version = formPageVersion(form.version);
    const typed = Object.fromEntries(RETENTION_FIELDS.map((f) => [f, formText(form[f])])) as Record<
      RetentionField,
      string
    >;
    let errors: FieldError[];
    let status = 422;
    try {
      await this.commands.execute(
        new SetRetentionPeriodsCommand({ actor, correlationId, expectedVersion: version }, typed),
      );
      return res.redirect(303, `${HOME}?${pageMessageQuery(res, 'done', 'Retention periods saved')}`);
    } catch (error) {
      if (error instanceof ConcurrencyError) {
        status = 409;
        errors = [
          {
            field: 'contactMonths',
            text: 'Someone else changed the retention periods meanwhile. Check what you typed against theirs and save again',
          },
        ];
      } else if (error instanceof DomainError && error.field) {
        const { min, max, unit } = RETENTION_BOUNDS[error.field as RetentionField];
        errors = [{ field: error.field, text: `Enter a whole number of ${unit} from ${min} to ${max}` }];
      } else throw error;
    }
    // What was typed stays; the version is the one read now, so saving again is deliberate.
    const view = await this.settings.view(actor.partnershipId);
    res.status(status).render('pages/coordinate/retention', await this.model(actor, view, typed, errors));
  }

  private async model(
    actor: Actor,
    view: RetentionView,
    form: Record<string, string>,
    errors: FieldError[],
    done?: string,
  ) {
    const due: RetentionDryRun = await this.retention.dryRun(actor.partnershipId, this.clock.now());
    return {
      title: `${errors.length ? 'Error: ' : ''}Retention periods`,
      view,
      form,
      done,
      fields: RETENTION_FIELDS.map((name) => ({ name, ...WORDS[name] })),
      due: {
        ...due,
        contacts: due.contacts.map((c) => ({ ...c, since: formatDate(c.since) })),
        mailBefore: formatDate(due.mailBefore),
        sessionsBefore: formatDate(due.sessionsBefore),
      },
      ...errorsFor(errors),
      navigation: staffNavigation(actor, '/coordinate/plan'),
    };
  }
}
