import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Passwords, TokenLookup, TooManyAttempts } from '../../../auth/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { PageErrorFilter, Public, RequestWithActor } from '../../../http/src/index.js';
import { DomainError } from '../../../kernel/src/index.js';
import { Form } from '../coordinate/coordinator.js';
import { errorsFor, FieldError } from '../staff/staff-form.js';
import { formText } from '../form-fields.js';

type WithCookies = RequestWithActor & { cookies?: Record<string, string> };

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

  /**
   * The mailed link: the token moves into a cookie for this page only, and the address is cleaned. Another site
   * may send a browser here with a token of its own (its own account's), so a cross-site request that is not
   * the browser opening the page (an image, a script, a frame) sets nothing: it could swap the token under a
   * form already open in another tab without the person ever seeing the page. A link followed from webmail is
   * a cross-site navigation to a document and is taken; a mail scanner sends no Sec-Fetch headers.
   */
  @Get('set-password/:token')
  exchange(@Param('token') token: string, @Req() req: Request, @Res() res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    if (!openedAsPage(req)) {
      return res.status(403).render('pages/error', {
        title: 'Open the link from your email',
        paragraphs: ['This link sets a password only when you open it yourself, from the email we sent you.'],
        next: { href: '/account/forgot-password', text: 'Send me a new link' },
      });
    }
    res.cookie(SET_PASSWORD_COOKIE, token.slice(0, 100), {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.publicBaseUrl.startsWith('https:'),
      path: SET_PASSWORD,
      maxAge: 30 * 60_000,
    });
    res.redirect(303, SET_PASSWORD);
  }

  @Get('set-password')
  async setForm(@Req() req: WithCookies, @Res() res: Response) {
    const found = await this.passwords.lookUp(req.cookies?.[SET_PASSWORD_COOKIE] ?? '', req.ip ?? 'unknown');
    if (found.verdict !== 'usable') return this.linkGone(res, found.verdict);
    if (signedInAsOther(req, found)) return this.signedInAsOther(res, req, found);
    res.render('pages/account/set-password', this.setModel(found, []));
  }

  @Post('set-password')
  async set(@Body() form: Form, @Req() req: WithCookies, @Res() res: Response) {
    const token = req.cookies?.[SET_PASSWORD_COOKIE] ?? '';
    const found = await this.passwords.lookUp(token, req.ip ?? 'unknown');
    if (found.verdict !== 'usable') return this.linkGone(res, found.verdict);
    if (signedInAsOther(req, found)) return this.signedInAsOther(res, req, found);
    // The form names the account it was shown for. The cookie is this browser's, not this tab's: another site
    // can open its own account's link in a new window while this form is open, and the password typed here for
    // the account the page named would then go to the other account.
    if (!sameEmail(formText(form.account), found.email)) {
      res.clearCookie(SET_PASSWORD_COOKIE, { path: SET_PASSWORD });
      return res.status(409).render('pages/error', {
        title: 'Open the link from your email again',
        paragraphs: [
          'This browser opened another set-password link after this page was shown, so no password was set. ' +
            'Open the link in the email we sent you again.',
        ],
        next: { href: '/account/forgot-password', text: 'Send me a new link' },
      });
    }
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

  /** Someone signed in here as one person is not the one to set another's password: a site may have sent them. */
  private signedInAsOther(res: Response, req: WithCookies, found: TokenLookup) {
    return res.status(409).render('pages/error', {
      title: 'You are signed in as someone else',
      paragraphs: [
        `You are signed in as ${req.actor!.id}, but this link sets the password of ${found.email}.`,
        `If you are ${found.email}, sign out and open the link from your email again. If not, close this page: ` +
          'someone may be trying to have you choose a password for their account.',
      ],
    });
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

/**
 * Whether the browser is opening the page itself: any request without Sec-Fetch headers (mail scanners, old
 * browsers, tools), any from this site or typed in, and another site's only as a navigation to a document.
 */
function openedAsPage(req: Request): boolean {
  if (req.header('sec-fetch-site') !== 'cross-site') return true;
  const mode = req.header('sec-fetch-mode');
  const dest = req.header('sec-fetch-dest');
  return (mode === undefined || mode === 'navigate') && (dest === undefined || dest === 'document');
}

function signedInAsOther(req: WithCookies, found: TokenLookup): boolean {
  return req.actor !== undefined && !sameEmail(req.actor.id, found.email);
}

function sameEmail(a: string, b: string | undefined): boolean {
  return b !== undefined && a.trim().toLowerCase() === b.toLowerCase();
}
