import { Body, Controller, Get, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  clientSecretEnvFor,
  ConfigureSingleSignOnCommand,
  SingleSignOnSetups,
  SingleSignOnView,
} from '../../../auth/src/index.js';
import { ConcurrencyError } from '../../../event-store/src/index.js';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  PageMessage,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { Form } from '../coordinate/coordinator.js';
import { staffNavigation } from '../review.pages.js';
import { errorsFor, FieldError } from '../staff/staff-form.js';
import { readRules, rulesText } from './rules-text.js';
import { formPageVersion, formText } from '../form-fields.js';

const HOME = '/coordinate/sign-on';
const FIELDS = ['organisation', 'issuer', 'clientId', 'clientSecretEnv'] as const;

/**
 * The coordinator's page for single sign-on: the provider, the client, the name of the secret's variable and
 * the role mapping, saved through the same command as PUT /single-sign-on (so the same rules and events).
 */
@ApiExcludeController()
@Controller('coordinate/sign-on')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'Only a coordinator sets up single sign-on')
export class SignOnSetupPages {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(SingleSignOnSetups) private readonly setups: SingleSignOnSetups,
  ) {}

  @Get()
  async page(
    @PageMessage('done') done: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const view = await this.setups.view(actor.partnershipId);
    res.render('pages/coordinate/sign-on', this.model(actor, view, formOf(view), [], done));
  }

  @Post()
  async save(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const version = formPageVersion(form.version);
    const read = readRules(formText(form.rules));
    let errors = read.errors;
    let status = 422;
    if (errors.length === 0) {
      try {
        await this.commands.execute(
          new ConfigureSingleSignOnCommand(
            { actor, correlationId, expectedVersion: version },
            {
              organisation: formText(form.organisation),
              issuer: formText(form.issuer),
              clientId: formText(form.clientId),
              clientSecretEnv: formText(form.clientSecretEnv),
              rules: read.rules,
            },
          ),
        );
        return res.redirect(303, `${HOME}?${pageMessageQuery(res, 'done', 'Single sign-on saved')}`);
      } catch (error) {
        if (error instanceof ConcurrencyError) {
          status = 409;
          errors = [
            {
              field: 'organisation',
              text: 'Someone else changed single sign-on meanwhile. Check what you typed against theirs and save again',
            },
          ];
        } else if (error instanceof DomainError && error.field) {
          // rules[2].role and the like are answered at the text area.
          const field = error.field.startsWith('rules') ? 'rules' : error.field;
          errors = [{ field, text: error.message }];
        } else throw error;
      }
    }
    // What was typed stays; the version is the one read now, so saving again is deliberate.
    const view = await this.setups.view(actor.partnershipId);
    const typed = Object.fromEntries([...FIELDS, 'rules'].map((f) => [f, String(form[f] ?? '')]));
    res.status(status).render('pages/coordinate/sign-on', this.model(actor, view, typed, errors));
  }

  private model(
    actor: Actor,
    view: SingleSignOnView,
    form: Record<string, string>,
    errors: FieldError[],
    done?: string,
  ) {
    return {
      title: `${errors.length ? 'Error: ' : ''}Single sign-on`,
      view,
      form,
      done,
      secretEnv: clientSecretEnvFor(actor.partnershipId),
      ...errorsFor(errors),
      navigation: staffNavigation(actor, HOME),
    };
  }
}

function formOf(view: SingleSignOnView): Record<string, string> {
  return {
    organisation: view.organisation ?? '',
    issuer: view.issuer ?? '',
    clientId: view.clientId ?? '',
    clientSecretEnv: view.clientSecretEnv ?? '',
    rules: rulesText(view.rules),
  };
}
