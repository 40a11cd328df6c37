import { Body, Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  SESSION_COOKIE,
  AuthService,
  STAFF_SESSION_HOURS,
  ThrottledSignIn,
  TooManyAttempts,
  sessionCookieOptions,
  SingleSignOnSetups,
} from '../../auth/src/index.js';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';
import { PageErrorFilter, Public, QueryText, RequestWithActor } from '../../http/src/index.js';
import { Actor, DomainError } from '../../kernel/src/index.js';
import { formText } from './form-fields.js';

type WithCookies = Request & { cookies?: Record<string, string> };

/** Where each kind of person starts. */
export function startPageFor(actor: Actor): string {
  switch (actor.role) {
    case 'agency-lead':
      return actor.cycleId ? `/agency/cycles/${encodeURIComponent(actor.cycleId)}` : '/sign-in';
    case 'reviewer':
      return '/review';
    // Their work is the second stage of sign-off: the returns approved and waiting for acceptance.
    case 'board':
      return '/review?state=to-accept';
    // Read-only: their own page of cycles and reports (the coordinator's pages would only refuse them).
    case 'viewer':
      return '/view';
    default:
      return '/coordinate';
  }
}

/**
 * Where to go after signing in when a page sent someone to sign in first: a path of this service only (never
 * `//host` or a full URL, which would make the sign-in page a way to send people elsewhere).
 */
export function pageToReturnTo(next: unknown): string | null {
  return typeof next === 'string' &&
    /^\/(?![/\\])[\x21-\x7e]{0,2000}$/.test(next) &&
    !next.startsWith('/sign-')
    ? next
    : null;
}

@ApiExcludeController()
@Controller()
@UseFilters(PageErrorFilter)
@Public()
export class SignInPage {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(ThrottledSignIn) private readonly signIns: ThrottledSignIn,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SingleSignOnSetups) private readonly setups: SingleSignOnSetups,
  ) {}

  /**
   * The sign-in page; a partnership's own (`?partnership=<id>`) has its "Sign in with <organisation>" button too,
   * and only its. The shared page lists no partnership's: each organisation's name is what a coordinator typed.
   */
  private async show(
    res: Response,
    status: number,
    partnership: string | undefined,
    locals: Record<string, unknown>,
  ): Promise<void> {
    const signOn = partnership ? await this.setups.signInButton(partnership) : null;
    res.status(status).render('pages/sign-in', {
      title: 'Sign in',
      signOn,
      partnershipAsked: Boolean(partnership),
      ...locals,
    });
  }

  /** Signed in: their own start page. Anyone else: what the service is, and the way in for staff and leads. */
  @Get()
  home(@Req() req: RequestWithActor, @Res() res: Response): void {
    if (req.actor) return res.redirect(303, startPageFor(req.actor));
    res.render('pages/start', { title: 'Send and review monitoring returns' });
  }

  @Get('sign-in')
  page(
    @QueryText('next') next: unknown,
    @QueryText('partnership') partnership: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    return this.show(res, 200, partnership, { next: pageToReturnTo(next) });
  }

  /** A new session id at every sign-in: any session the browser held before is ended, not reused. */
  @Post('sign-in')
  async signIn(
    @Body()
    body: { email?: string; password?: string; next?: string; partnershipId?: string; partnership?: string },
    @Req() req: WithCookies,
    @Res() res: Response,
  ) {
    const email = formText(body.email).trim();
    const next = pageToReturnTo(body.next);
    const partnershipId = body.partnershipId ? formText(body.partnershipId) : undefined;
    // The partnership whose own sign-in page this was: shown again with its button if the password is refused.
    const partnership = body.partnership ? formText(body.partnership) : undefined;
    let result: Awaited<ReturnType<ThrottledSignIn['signIn']>> | TooManyAttempts;
    try {
      result =
        email && body.password
          ? await this.signIns.signIn(email, formText(body.password), req.ip, partnershipId)
          : null;
    } catch (error) {
      if (error instanceof TooManyAttempts) {
        result = error;
      } else if (error instanceof DomainError && error.code === 'partnership-required') {
        // The password opens accounts in several partnerships: the person picks one (they proved it for each).
        const partnerships = (error.details?.partnerships ?? []) as string[];
        return this.show(res, 200, partnership, {
          email,
          next,
          partnerships: partnerships.map((id, i) => ({ value: id, text: id, checked: i === 0 })),
        });
      } else {
        throw error;
      }
    }
    if (result instanceof TooManyAttempts) {
      res.setHeader('Retry-After', String(result.retryAfter));
      return this.show(res, 429, partnership, { email, next, error: result.message });
    }
    if (!result) {
      return this.show(res, 401, partnership, {
        email,
        next,
        error: 'Enter the email address and password of your staff account',
      });
    }
    const previous = req.cookies?.[SESSION_COOKIE];
    if (previous) await this.auth.endSession(previous);
    res.cookie(SESSION_COOKIE, result.sessionId, sessionCookieOptions(this.config, STAFF_SESSION_HOURS));
    res.redirect(303, next ?? startPageFor(result.actor));
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
