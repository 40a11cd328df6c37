import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { SESSION_COOKIE } from '../auth.middleware.js';
import { AuthService, LINK_SESSION_HOURS } from '../auth.service.js';
import { sessionCookieOptions } from '../sign-in/sign-in.http.js';
import { LinkLanding, SubmissionLinkService } from './submission-link.service.js';
import { PageErrorFilter, Public } from '../../../http/src/index.js';

/** What the landing page says for a link that no longer works, in plain words; none offers Continue. */
const LANDING_WORDS: Record<LinkLanding['state'], { status: number; heading: string; paragraphs: string[] }> =
  {
    usable: { status: 200, heading: 'Your monitoring returns', paragraphs: [] },
    expired: {
      status: 410,
      heading: 'This link has expired',
      paragraphs: [
        'It was for {agency}’s returns for {cycle}. That monitoring cycle has closed, so its returns can no longer be changed here.',
      ],
    },
    revoked: {
      status: 410,
      heading: 'This link has been replaced',
      paragraphs: [
        'It was for {agency}’s returns for {cycle}. The coordinator withdrew it, usually because a newer link was sent: use the link in your most recent email.',
      ],
    },
    used: {
      status: 410,
      heading: 'This link has already been used',
      paragraphs: [
        'It was for {agency}’s returns for {cycle}. A link you ask for yourself works once, and this one has been used.',
      ],
    },
    lapsed: {
      status: 410,
      heading: 'This link has expired',
      paragraphs: [
        'It was for {agency}’s returns for {cycle}. A link you ask for yourself works for one day only, and that day has passed.',
      ],
    },
    'not-found': {
      status: 404,
      heading: 'This link is not recognised',
      paragraphs: [
        'Check that you copied the whole link from the email, or click it in the email again.',
        'The link may also be from a monitoring cycle this service no longer holds.',
      ],
    },
  };

function fill(text: string, link: Exclude<LinkLanding, { state: 'not-found' }>): string {
  return text.replace('{agency}', link.agencyName).replace('{cycle}', link.cycleLabel);
}

export class UseLinkDto {
  @ApiProperty({ maxLength: 100, description: 'The token from the emailed link' })
  @IsString()
  @MaxLength(100)
  token: string;
}

/**
 * The link in the mail. Its GET changes nothing, because mail scanners follow links: it says whose returns the
 * link opens and offers a Continue button, or, for a link that no longer works, says why and offers a new one. The POST exchanges the token for a short session and redirects to an address without the token.
 */
@ApiTags('submission links')
@Controller('l')
@UseFilters(PageErrorFilter)
@Public()
export class SubmissionLinkHttp {
  constructor(
    @Inject(SubmissionLinkService) private readonly links: SubmissionLinkService,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':token')
  @ApiExcludeEndpoint()
  async landingPage(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    const link = await this.links.landing(token, req.ip);
    const words = LANDING_WORDS[link.state];
    // The token is in this page's address: no other site learns it (strict-origin sends only the origin),
    // and the Continue post still carries the Origin that tells it from a post made elsewhere.
    res
      .status(words.status)
      .setHeader('Referrer-Policy', 'strict-origin')
      .setHeader('Cache-Control', 'no-store')
      .render('pages/link/landing', {
        title: link.state === 'usable' ? 'Your monitoring returns' : words.heading,
        heading: words.heading,
        paragraphs:
          link.state === 'not-found' ? words.paragraphs : words.paragraphs.map((p) => fill(p, link)),
        link,
        token: link.state === 'usable' ? token : null,
      });
  }

  @Post()
  @HttpCode(303)
  async use(
    @Body() body: UseLinkDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const { sessionId, cycleId } = await this.links.exchange(body.token, req.ip);
    // A new session replaces, and ends, whatever session this browser held (as staff sign-in does): a staff
    // session left in a shared browser must not stay valid once a lead opens their link there.
    const previous = (req as { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
    if (previous) await this.auth.endSession(previous);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.cookie(SESSION_COOKIE, sessionId, sessionCookieOptions(this.config, LINK_SESSION_HOURS));
    // A browser goes on to its task list; an API client to the cycle's JSON.
    const page = req.accepts(['json', 'html']) === 'html';
    res.setHeader('Location', `${page ? '/agency' : ''}/cycles/${encodeURIComponent(cycleId)}`);
  }
}
