import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuthService, Passwords, STAFF_ROLES, StaffDirectory, StaffMember } from '../../../auth/src/index.js';
import {
  CurrentActor,
  PageErrorFilter,
  PageMessage,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { GetPlan } from '../../../returns/src/index.js';
import { act, Form } from '../coordinate/coordinator.js';
import { staffNavigation } from '../review.pages.js';
import { errorsFor, FieldError, readInvite, ROLE_WORDS, roleAndThemes } from './staff-form.js';
import { formList, formText } from '../form-fields.js';

const HOME = '/coordinate/staff';

/**
 * The coordinator's staff pages: who has an account, inviting someone (they choose their own password from a
 * mailed link), changing a role or a reviewer's themes, and deactivating an account (its sessions and API tokens
 * end at once, as through the API).
 */
@ApiExcludeController()
@Controller('coordinate/staff')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'Only a coordinator manages staff')
export class StaffPages {
  constructor(
    @Inject(StaffDirectory) private readonly staff: StaffDirectory,
    @Inject(Passwords) private readonly passwords: Passwords,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(GetPlan) private readonly plans: GetPlan,
  ) {}

  @Get()
  async list(
    @PageMessage('done') done: string | undefined,
    @PageMessage('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const themes = await this.themes(actor);
    const members = await this.staff.list(actor.partnershipId);
    res.render('pages/staff/list', {
      title: error ? 'Error: Staff' : 'Staff',
      done,
      error,
      members: members.map((m) => ({
        ...m,
        roleLabel: ROLE_WORDS[m.role].label,
        themeWords: themeWords(m, themes),
      })),
      navigation: staffNavigation(actor, HOME),
    });
  }

  @Get('invite')
  async inviteForm(@CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/staff/invite', await this.inviteModel(actor, {}, []));
  }

  @Post('invite')
  async invite(@Body() form: Form, @CurrentActor() actor: Actor, @Res() res: Response) {
    const themes = await this.themes(actor);
    const read = readInvite(
      form,
      themes.map((t) => t.themeId),
    );
    let errors = read.errors;
    if (errors.length === 0) {
      try {
        await this.passwords.invite({
          partnershipId: actor.partnershipId,
          email: read.email,
          name: read.name,
          role: read.role,
          themeIds: read.themes,
        });
        // The invitation is owed with the account and mailed by the worker, after this answer.
        const done = `${read.name} has been invited: we are emailing ${read.email.toLowerCase()} a link to set their password`;
        return res.redirect(303, `${HOME}?${pageMessageQuery(res, 'done', done)}`);
      } catch (error) {
        if (!(error instanceof DomainError && error.field)) throw error;
        errors = [{ field: error.field, text: error.message }];
      }
    }
    res.status(422).render('pages/staff/invite', await this.inviteModel(actor, form, errors));
  }

  @Get(':staffId')
  async member(
    @Param('staffId') staffId: string,
    @PageMessage('done') done: string | undefined,
    @PageMessage('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const member = await this.one(actor, staffId);
    res.render('pages/staff/member', await this.memberModel(actor, member, { done, error }));
  }

  @Post(':staffId')
  async change(
    @Param('staffId') staffId: string,
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const member = await this.one(actor, staffId);
    const themes = await this.themes(actor);
    const chosen = roleAndThemes(
      form,
      themes.map((t) => t.themeId),
    );
    if (member.email === actor.id.toLowerCase() && chosen.role !== 'coordinator')
      chosen.errors.push({ field: 'role', text: 'You cannot take away your own coordinator role' });
    if (chosen.errors.length > 0) {
      return res
        .status(422)
        .render(
          'pages/staff/member',
          await this.memberModel(
            actor,
            { ...member, role: chosen.role, themeIds: chosen.themes },
            {},
            chosen.errors,
          ),
        );
    }
    // The account can go (forgotten, its row deleted) between the read above and this update, which then changes
    // nothing: "saved" would be untrue. Back to the list, which no longer shows them, with why.
    if (!(await this.staff.change(actor.partnershipId, staffId, chosen.role, chosen.themes))) {
      const gone = `${member.name}'s account no longer exists: nothing was saved`;
      return res.redirect(303, `${HOME}?${pageMessageQuery(res, 'error', gone)}`);
    }
    res.redirect(
      303,
      `${HOME}?${pageMessageQuery(res, 'done', `${member.name}'s role and themes are saved`)}`,
    );
  }

  @Post(':staffId/deactivate')
  async deactivate(@Param('staffId') staffId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const member = await this.one(actor, staffId);
    await act(res, `${HOME}/${encodeURIComponent(staffId)}`, async () => {
      // A coordinator who locks themselves out may leave the partnership with nobody to let them back in.
      if (member.email === actor.id.toLowerCase())
        throw new DomainError(
          'cannot-disable-self',
          'You cannot deactivate your own account',
          'unprocessable',
        );
      const disabled = await this.auth.disableStaff(actor.partnershipId, member.email);
      if (!disabled) throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
      return `${member.name}'s account is deactivated: they have been signed out and their API tokens no longer work`;
    });
  }

  private async one(actor: Actor, staffId: string): Promise<StaffMember> {
    const member = await this.staff.one(actor.partnershipId, staffId);
    if (!member) throw new DomainError('staff-not-found', 'No such staff account', 'not-found');
    return member;
  }

  private async themes(actor: Actor) {
    const plan = await this.plans.load(actor.partnershipId);
    return (plan?.themes ?? []).map((t) => ({ themeId: t.themeId, title: t.title }));
  }

  private async inviteModel(actor: Actor, form: Form, errors: FieldError[]) {
    const themes = await this.themes(actor);
    return {
      title: errors.length ? 'Error: Invite someone' : 'Invite someone',
      heading: 'Invite someone',
      form,
      ...errorsFor(errors),
      roles: roleItems(formText(form.role)),
      themeItems: themeItems(themes, formList(form.themeIds)),
      backLink: HOME,
      navigation: staffNavigation(actor, HOME),
    };
  }

  private async memberModel(
    actor: Actor,
    member: StaffMember,
    notes: { done?: string; error?: string },
    errors: FieldError[] = [],
  ) {
    const themes = await this.themes(actor);
    return {
      title: `${errors.length ? 'Error: ' : ''}${member.name}`,
      member,
      ...notes,
      ...errorsFor(errors),
      roles: roleItems(member.role),
      themeItems: themeItems(themes, member.themeIds),
      self: member.email === actor.id.toLowerCase(),
      backLink: HOME,
      navigation: staffNavigation(actor, HOME),
    };
  }
}

function roleItems(checked: string) {
  return STAFF_ROLES.map((role) => ({
    value: role,
    text: ROLE_WORDS[role].label,
    hint: { text: ROLE_WORDS[role].hint },
    checked: role === checked,
  }));
}

function themeItems(themes: { themeId: string; title: string }[], chosen: string[]) {
  return themes.map((t) => ({ value: t.themeId, text: t.title, checked: chosen.includes(t.themeId) }));
}

function themeWords(member: StaffMember, themes: { themeId: string; title: string }[]): string {
  if (member.role !== 'reviewer') return '';
  if (member.themeIds.length === 0) return 'Every theme';
  return member.themeIds.map((id) => themes.find((t) => t.themeId === id)?.title ?? id).join(', ');
}
