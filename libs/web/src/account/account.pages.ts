import {
  Body,
  Controller,
  Get,
  Header,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { AuthService, Passwords, SESSION_COOKIE, StaffDirectory } from '../../../auth/src/index.js';
import {
  ChooseMailDeliveryCommand,
  MAIL_DELIVERIES,
  MailPreferences,
  MailPreferenceView,
} from '../../../chasing/src/index.js';
import { ConcurrencyError } from '../../../event-store/src/index.js';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  PageMessage,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, ANY_STAFF, DomainError } from '../../../kernel/src/index.js';
import { Form } from '../coordinate/coordinator.js';
import { staffNavigation } from '../review.pages.js';
import { errorsFor, FieldError } from '../staff/staff-form.js';
import { formPageVersion, formText } from '../form-fields.js';

const HOME = '/account';

/** A staff member's own account: changing their password and their API tokens. */
@ApiExcludeController()
@Controller('account')
@UseFilters(PageErrorFilter)
@Roles(ANY_STAFF, 'Only staff have an account here; agency leads use the link in their email')
export class AccountPages {
  constructor(
    @Inject(Passwords) private readonly passwords: Passwords,
    @Inject(StaffDirectory) private readonly staff: StaffDirectory,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(MailPreferences) private readonly mailPreferences: MailPreferences,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get()
  async account(
    @PageMessage('done') done: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    res.render('pages/account/account', await this.accountModel(actor, { done }));
  }

  /** The mail choice: radios, the version read (a change made meanwhile elsewhere is not overwritten). */
  @Post('mail-preferences')
  async chooseMail(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const delivery = formText(form.delivery);
    const version = formPageVersion(form.version);
    const errors: FieldError[] = [];
    let status = 422;
    if (!MAIL_DELIVERIES.includes(delivery as never)) {
      errors.push({ field: 'delivery', text: 'Select how you want to hear of new submissions and messages' });
    } else {
      try {
        await this.commands.execute(
          new ChooseMailDeliveryCommand({ actor, correlationId, expectedVersion: version }, delivery),
        );
        const said = delivery === 'at-once' ? 'one mail for each submission or message, at once' : 'a digest';
        return res.redirect(303, `${HOME}?${pageMessageQuery(res, 'done', `Saved: you will get ${said}.`)}`);
      } catch (error) {
        if (error instanceof ConcurrencyError) {
          status = 409;
          errors.push({
            field: 'delivery',
            text: 'Your choice was changed in another window meanwhile: it is shown below. Choose again',
          });
        } else if (error instanceof DomainError && error.field) {
          errors.push({ field: error.field, text: error.message });
        } else throw error;
      }
    }
    res.status(status).render('pages/account/account', await this.accountModel(actor, {}, errors));
  }

  private async accountModel(actor: Actor, extra: { done?: string }, errors: FieldError[] = []) {
    const mail: MailPreferenceView = await this.mailPreferences.view(actor);
    return {
      title: `${errors.length ? 'Error: ' : ''}Your account`,
      actor,
      ...extra,
      mail,
      ...errorsFor(errors),
      navigation: staffNavigation(actor, HOME),
    };
  }

  @Get('password')
  passwordForm(@CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/account/change-password', this.passwordModel(actor, []));
  }

  /** The current password and a new one; every other session of the account ends, this one stays. */
  @Post('password')
  async changePassword(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @Req() req: Request & { cookies?: Record<string, string> },
    @Res() res: Response,
  ) {
    const current = formText(form.current);
    const next = formText(form.password);
    const errors: FieldError[] = [];
    if (!current) errors.push({ field: 'current', text: 'Enter your current password' });
    if (!next) errors.push({ field: 'password', text: 'Enter a new password' });
    else if (next !== formText(form.confirm))
      errors.push({ field: 'confirm', text: 'The passwords do not match: enter the new password again' });
    if (errors.length === 0) {
      try {
        await this.passwords.change(actor, current, next, req.cookies?.[SESSION_COOKIE]);
        return res.redirect(
          303,
          `${HOME}?${pageMessageQuery(res, 'done', 'Your password is changed. You have been signed out everywhere else, and your API tokens no longer work.')}`,
        );
      } catch (error) {
        if (!(error instanceof DomainError && error.field)) throw error;
        errors.push({ field: error.field, text: error.message });
      }
    }
    res.status(422).render('pages/account/change-password', this.passwordModel(actor, errors));
  }

  @Get('tokens')
  async tokens(
    @PageMessage('done') done: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    res.render('pages/account/tokens', await this.tokensModel(actor, { done }));
  }

  /** The token is on this one response only (never stored, never cached): it cannot be shown again. */
  @Post('tokens')
  @Header('Cache-Control', 'no-store')
  async createToken(@Body() form: Form, @CurrentActor() actor: Actor, @Res() res: Response) {
    const name = formText(form.name).trim();
    const problem = !name
      ? 'Enter what the token is for'
      : name.length > 100
        ? 'What the token is for must be 100 characters or fewer'
        : null;
    if (problem) {
      return res
        .status(422)
        .render(
          'pages/account/tokens',
          await this.tokensModel(actor, { name }, [{ field: 'name', text: problem }]),
        );
    }
    const created = await this.auth.createApiToken(actor.id, name, actor.partnershipId);
    res.render(
      'pages/account/tokens',
      await this.tokensModel(actor, { created: { name, token: created.token } }),
    );
  }

  @Post('tokens/:tokenId/revoke')
  async revokeToken(
    @Param('tokenId', new ParseUUIDPipe()) tokenId: string,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    if (!(await this.auth.revokeApiToken(actor.id, tokenId, actor.partnershipId)))
      throw new DomainError('token-not-found', 'No such token', 'not-found');
    res.redirect(
      303,
      `${HOME}/tokens?${pageMessageQuery(res, 'done', 'The token is revoked: it no longer works')}`,
    );
  }

  private passwordModel(actor: Actor, errors: FieldError[]) {
    return {
      title: `${errors.length ? 'Error: ' : ''}Change your password`,
      ...errorsFor(errors),
      backLink: HOME,
      navigation: staffNavigation(actor, HOME),
    };
  }

  private async tokensModel(
    actor: Actor,
    extra: { done?: string; name?: string; created?: { name: string; token: string } },
    errors: FieldError[] = [],
  ) {
    const tokens = await this.staff.tokensOf(actor.partnershipId, actor.id);
    return {
      title: `${errors.length ? 'Error: ' : ''}API tokens`,
      live: tokens.filter((t) => !t.revokedAt),
      revoked: tokens.filter((t) => t.revokedAt),
      ...extra,
      ...errorsFor(errors),
      backLink: HOME,
      navigation: staffNavigation(actor, HOME),
    };
  }
}
