import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Passwords, TooManyAttempts } from '../../../auth/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { PageErrorFilter, Public } from '../../../http/src/index.js';
import { DomainError } from '../../../kernel/src/index.js';
import { Form } from '../coordinate/coordinator.js';
import { errorsFor, FieldError } from '../staff/staff-form.js';
import { formText } from '../form-fields.js';

type WithCookies = Request & { cookies?: Record<string, string> };

/** Holds a set-password token between the mailed link and the form, so it never stays in an address. */
export const SET_PASSWORD_COOKIE = 'pr_set_password';
const SET_PASSWORD = '/account/set-password';

/**
 * Forgotten passwords and invitations, for people not signed in. The mailed link is exchanged at once for a
 * short HttpOnly cookie and the address loses the token (history, Referer, logs after this request never see it).
 * Opening the link spends nothing (mail scanners follow links): only the form's POST does.
 */
@ApiExcludeController()
@Controller('account')
@UseFilters(PageErrorFilter)
@Public()
export class PasswordResetPages {
  constructor(
    @Inject(Passwords) private readonly passwords: Passwords,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('forgot-password')
  forgotForm(@Res() res: Response) {
    res.render('pages/account/forgot-password', {
      title: 'Reset your password',
      form: {},
      backLink: '/sign-in',
    });
  }

  /** The same answer for every email, known or not; only the throttle refuses. */
  @Post('forgot-password')
  async forgot(@Body() form: Form, @Req() req: Request, @Res() res: Response) {
    const email = formText(form.email).trim();
    if (!email || email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
      const text = email
        ? 'Enter an email address in the correct format, like name@example.org'
        : 'Enter your email address';
      return res.status(422).render('pages/account/forgot-password', {
        title: 'Error: Reset your password',
        form: { email },
        ...errorsFor([{ field: 'email', text }]),
        backLink: '/sign-in',
      });
    }
    try {
      await this.passwords.requestReset(email, req.ip ?? 'unknown');
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      res.setHeader('Retry-After', String(error.retryAfter));
      return res.status(429).render('pages/account/forgot-password', {
        title: 'Error: Reset your password',
        form: { email },
        ...errorsFor([{ field: 'email', text: error.message }]),
        backLink: '/sign-in',
      });
    }
    res.status(200).render('pages/error', {
      title: 'Check your email',
      paragraphs: [
        `If ${email} has a staff account, we have sent it a link to reset the password. The link works once, for 1 hour.`,
        'If nothing arrives in a few minutes, check your spam folder or ask your partnership coordinator.',
      ],
      next: { href: '/sign-in', text: 'Back to sign in' },
    });
  }

  /** The mailed link: the token moves into a cookie for this page only, and the address is cleaned. */
  @Get('set-password/:token')
  exchange(@Param('token') token: string, @Res() res: Response) {
    res.cookie(SET_PASSWORD_COOKIE, token.slice(0, 100), {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.publicBaseUrl.startsWith('https:'),
      path: SET_PASSWORD,
      maxAge: 30 * 60_000,
    });
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(303, SET_PASSWORD);
  }

  @Get('set-password')
  async setForm(@Req() req: WithCookies, @Res() res: Response) {
    const found = await this.passwords.lookUp(req.cookies?.[SET_PASSWORD_COOKIE] ?? '', req.ip ?? 'unknown');
    if (found.verdict !== 'usable') return this.linkGone(res, found.verdict);
    res.render('pages/account/set-password', this.setModel(found, []));
  }

  @Post('set-password')
  async set(@Body() form: Form, @Req() req: WithCookies, @Res() res: Response) {
    const token = req.cookies?.[SET_PASSWORD_COOKIE] ?? '';
    const found = await this.passwords.lookUp(token, req.ip ?? 'unknown');
    if (found.verdict !== 'usable') return this.linkGone(res, found.verdict);
    const password = formText(form.password);
    const errors: FieldError[] = [];
    if (!password) errors.push({ field: 'password', text: 'Enter a password' });
    else if (password !== formText(form.confirm))
      errors.push({ field: 'confirm', text: 'The passwords do not match: enter the password again' });
    if (errors.length === 0) {
      try {
        await this.passwords.setWithToken(token, password);
        res.clearCookie(SET_PASSWORD_COOKIE, { path: SET_PASSWORD });
        return res.status(200).render('pages/error', {
          title: found.purpose === 'invite' ? 'Your account is ready' : 'Your password has been reset',
          paragraphs: [
            found.purpose === 'invite'
              ? 'You can now sign in with your email address and the password you chose.'
              : 'You have been signed out everywhere. Sign in with your new password.',
          ],
          next: { href: '/sign-in', text: 'Sign in' },
        });
      } catch (error) {
        if (!(error instanceof DomainError && error.field === 'password')) throw error;
        errors.push({ field: 'password', text: error.message });
      }
    }
    res.status(422).render('pages/account/set-password', this.setModel(found, errors));
  }

  private setModel(found: { purpose?: string; name?: string; email?: string }, errors: FieldError[]) {
    const heading = found.purpose === 'invite' ? 'Set your password' : 'Choose a new password';
    return {
      title: `${errors.length ? 'Error: ' : ''}${heading}`,
      heading,
      account: found,
      ...errorsFor(errors),
    };
  }

  private linkGone(res: Response, verdict: string) {
    res.clearCookie(SET_PASSWORD_COOKIE, { path: SET_PASSWORD });
    res.status(verdict === 'unknown' ? 404 : 410).render('pages/error', {
      title:
        verdict === 'expired'
          ? 'This link has expired'
          : verdict === 'used'
            ? 'This link has already been used'
            : 'This link is not recognised',
      paragraphs: [
        'Each link to set a password works once, for a limited time. Ask for a new one and use the latest email.',
      ],
      next: { href: '/account/forgot-password', text: 'Send me a new link' },
    });
  }
}
