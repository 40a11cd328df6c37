import { Body, Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { SESSION_COOKIE } from '../../auth/src/auth.middleware.js';
import { AuthService, STAFF_SESSION_HOURS } from '../../auth/src/auth.service.js';
import { sessionCookieOptions } from '../../auth/src/sign-in/sign-in.http.js';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';
import { RequestWithActor } from '../../http/src/index.js';
import { Actor, DomainError } from '../../returns/src/domain-error.js';
import { PageErrorFilter } from './page-error.filter.js';

type WithCookies = Request & { cookies?: Record<string, string> };

/** Where each kind of person starts. */
export function startPageFor(actor: Actor): string {
  switch (actor.role) {
    case 'agency-lead':
      return actor.cycleId ? `/agency/cycles/${encodeURIComponent(actor.cycleId)}` : '/sign-in';
    case 'reviewer':
      return '/review';
    default:
      return '/coordinate';
  }
}

@ApiExcludeController()
@Controller()
@UseFilters(PageErrorFilter)
export class SignInPage {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  home(@Req() req: RequestWithActor, @Res() res: Response): void {
    res.redirect(303, req.actor ? startPageFor(req.actor) : '/sign-in');
  }

  @Get('sign-in')
  page(@Res() res: Response): void {
    res.render('pages/sign-in', { title: 'Sign in' });
  }

  /** A new session id at every sign-in: any session the browser held before is ended, not reused. */
  @Post('sign-in')
  async signIn(
    @Body() body: { email?: string; password?: string; partnershipId?: string },
    @Req() req: WithCookies,
    @Res() res: Response,
  ) {
    const email = String(body.email ?? '').trim();
    const partnershipId = body.partnershipId ? String(body.partnershipId) : undefined;
    let result: Awaited<ReturnType<AuthService['signIn']>>;
    try {
      result =
        email && body.password ? await this.auth.signIn(email, String(body.password), partnershipId) : null;
    } catch (error) {
      // The password opens accounts in several partnerships: the person picks one (they proved it for each).
      if (!(error instanceof DomainError) || error.code !== 'partnership-required') throw error;
      const partnerships = (error.details?.partnerships ?? []) as string[];
      return res.status(200).render('pages/sign-in', {
        title: 'Sign in',
        email,
        partnerships: partnerships.map((id, i) => ({ value: id, text: id, checked: i === 0 })),
      });
    }
    if (!result) {
      return res.status(401).render('pages/sign-in', {
        title: 'Sign in',
        email,
        error: 'Enter the email address and password of your staff account',
      });
    }
    const previous = req.cookies?.[SESSION_COOKIE];
    if (previous) await this.auth.endSession(previous);
    res.cookie(SESSION_COOKIE, result.sessionId, sessionCookieOptions(this.config, STAFF_SESSION_HOURS));
    res.redirect(303, startPageFor(result.actor));
  }

  @Post('sign-out')
  async signOut(@Req() req: WithCookies, @Res() res: Response) {
    const session = req.cookies?.[SESSION_COOKIE];
    if (session) await this.auth.endSession(session);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(200).render('pages/error', {
      title: 'You have signed out',
      paragraphs: ['You can close this window.'],
      next: { href: '/sign-in', text: 'Sign in again' },
    });
  }
}
