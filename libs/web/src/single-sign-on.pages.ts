import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  AuthService,
  ProviderSignIn,
  SESSION_COOKIE,
  SIGN_ON_COOKIE,
  SIGN_ON_MINUTES,
  SignOnRefusal,
  SignOnRefused,
  STAFF_SESSION_HOURS,
  sessionCookieOptions,
} from '../../auth/src/index.js';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';
import { PageErrorFilter, Public } from '../../http/src/index.js';
import { startPageFor } from './sign-in.page.js';

type WithCookies = Request & { cookies?: Record<string, string> };

/** What each refusal tells the person, in plain words, and what to do next. */
const REFUSALS: Record<SignOnRefusal, { title: string; paragraphs: string[] }> = {
  'no-sign-on-in-progress': {
    title: 'Your sign-in could not be finished',
    paragraphs: [
      `It took longer than ${SIGN_ON_MINUTES} minutes, or it was started in another browser or tab.`,
      'Start again from the sign-in page.',
    ],
  },
  'provider-unreachable': {
    title: 'Your organisation’s sign-in cannot be reached',
    paragraphs: [
      'The service could not reach your organisation’s identity provider. Try again in a few minutes.',
      'If it goes on, tell your partnership’s coordinator, or sign in with your email and password.',
    ],
  },
  'provider-refused': {
    title: 'Your organisation’s sign-in did not work',
    paragraphs: ['Your organisation’s identity provider did not confirm who you are. Try again.'],
  },
  'not-verified': {
    title: 'Your email address is not verified',
    paragraphs: [
      'Your organisation’s identity provider did not confirm that the email address it gave is yours, so it ' +
        'cannot be used to find or make your staff account.',
      'Ask its administrators to send a verified email address, or sign in with your email and password.',
    ],
  },
  'no-email': {
    title: 'Your account has no email address',
    paragraphs: [
      'Your organisation’s identity provider did not give your email address. Ask its administrators.',
    ],
  },
  'not-mapped': {
    title: 'You do not have access to this service',
    paragraphs: [
      'Your organisation’s account is not one of the people or groups your partnership lets in.',
      'Ask your partnership’s coordinator to give you access.',
    ],
  },
  disabled: {
    title: 'Your account has been disabled',
    paragraphs: ['Your staff account has been disabled. Ask your partnership’s coordinator.'],
  },
};

/**
 * "Sign in with <organisation>": the way out to the partnership's identity provider and the way back from it.
 * The way out is the sign-in page's form, a POST with the page's CSRF token (checked by csrf.ts, /sign-in being a
 * page prefix): a page elsewhere cannot start it (login CSRF), whatever headers the browser leaves out. The way
 * back is a GET the provider sends the browser to, so it has no token: the sealed sign-on cookie is what ties it
 * to the browser that left (an attacker's callback link lacks it, or fails its state check).
 */
@ApiExcludeController()
@Controller('sign-in/sso')
@UseFilters(PageErrorFilter)
@Public()
export class SingleSignOnPages {
  constructor(
    @Inject(ProviderSignIn) private readonly signOn: ProviderSignIn,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private cookieOptions(maxAge: number) {
    return {
      httpOnly: true,
      // Lax: the provider's redirect back is a top-level GET, which Lax cookies come with.
      sameSite: 'lax' as const,
      secure: this.config.publicBaseUrl.startsWith('https:'),
      path: '/sign-in/sso/',
      maxAge,
    };
  }

  /**
   * The address alone never starts a sign-in: a link or a redirect from another site would have the browser come
   * back signed in as whoever that site's author chose (their own partnership's provider vouching for them), its
   * own session ended, and an old browser sends no Sec-Fetch-Site nor Referer to tell such a start from ours. It
   * shows the partnership's sign-in page, whose button posts the form below.
   */
  @Get(':partnershipId')
  page(@Param('partnershipId') partnershipId: string, @Res() res: Response): void {
    res.redirect(303, `/sign-in?partnership=${encodeURIComponent(partnershipId)}`);
  }

  @Post(':partnershipId')
  async begin(@Param('partnershipId') partnershipId: string, @Res() res: Response): Promise<void> {
    try {
      const { authorizationUrl, cookie } = await this.signOn.begin(partnershipId);
      res.cookie(SIGN_ON_COOKIE, cookie, this.cookieOptions(SIGN_ON_MINUTES * 60_000));
      res.redirect(303, authorizationUrl.href);
    } catch (error) {
      if (!(error instanceof SignOnRefused)) throw error;
      this.refused(res, error);
    }
  }

  @Get(':partnershipId/callback')
  async callback(
    @Param('partnershipId') partnershipId: string,
    @Req() req: WithCookies,
    @Res() res: Response,
  ): Promise<void> {
    // One use: whatever happens now, the cookie is spent.
    res.clearCookie(SIGN_ON_COOKIE, { path: '/sign-in/sso/' });
    const callbackUrl = new URL(req.originalUrl, this.config.publicBaseUrl);
    try {
      const { sessionId, actor } = await this.signOn.finish(
        partnershipId,
        callbackUrl,
        req.cookies?.[SIGN_ON_COOKIE],
      );
      const previous = req.cookies?.[SESSION_COOKIE];
      if (previous) await this.auth.endSession(previous);
      res.cookie(SESSION_COOKIE, sessionId, sessionCookieOptions(this.config, STAFF_SESSION_HOURS));
      res.redirect(303, startPageFor(actor));
    } catch (error) {
      if (!(error instanceof SignOnRefused)) throw error;
      this.refused(res, error);
    }
  }

  /** The refusal's own page: 502 when the provider could not be reached (a gateway's failure), else 403. */
  private refused(res: Response, error: SignOnRefused): void {
    res.status(error.reason === 'provider-unreachable' ? 502 : 403).render('pages/error', {
      ...REFUSALS[error.reason],
      next: { href: '/sign-in', text: 'Go to the sign-in page' },
    });
  }
}
