import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { escapeHtml } from '../../../mail/src/index.js';
import { SESSION_COOKIE } from '../auth.middleware.js';
import { LINK_SESSION_HOURS } from '../auth.service.js';
import { sessionCookieOptions } from '../sign-in/sign-in.http.js';
import { SubmissionLinkService } from './submission-link.service.js';
import { PageErrorFilter, Public } from '../../../http/src/index.js';

export class UseLinkDto {
  @ApiProperty({ maxLength: 100, description: 'The token from the emailed link' })
  @IsString()
  @MaxLength(100)
  token: string;
}

/**
 * The link in the mail. Its GET changes nothing, because mail scanners follow links: it only offers a Continue
 * button. The POST exchanges the token for a short session and redirects to an address without the token.
 */
@ApiTags('submission links')
@Controller('l')
@UseFilters(PageErrorFilter)
@Public()
export class SubmissionLinkHttp {
  constructor(
    @Inject(SubmissionLinkService) private readonly links: SubmissionLinkService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':token')
  @ApiExcludeEndpoint()
  continuePage(@Param('token') token: string, @Res() res: Response): void {
    // The token is in this page's address: no other site learns it (strict-origin sends only the origin),
    // and the Continue post still carries the Origin that tells it from a post made elsewhere.
    res
      .status(200)
      .setHeader('Referrer-Policy', 'strict-origin')
      .setHeader('Cache-Control', 'no-store')
      .type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your monitoring returns - Partner Returns</title></head>
<body><main>
<h1>Your monitoring returns</h1>
<p>Continue to see and answer your agency's returns for this monitoring cycle.</p>
<form method="post" action="/l"><input type="hidden" name="token" value="${escapeHtml(token)}">
<button type="submit">Continue</button></form>
</main></body></html>`);
  }

  @Post()
  @HttpCode(303)
  async use(
    @Body() body: UseLinkDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    const { sessionId, cycleId } = await this.links.exchange(body.token, req.ip);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.cookie(SESSION_COOKIE, sessionId, sessionCookieOptions(this.config, LINK_SESSION_HOURS));
    // A browser goes on to its task list; an API client to the cycle's JSON.
    const page = req.accepts(['json', 'html']) === 'html';
    res.setHeader('Location', `${page ? '/agency' : ''}/cycles/${encodeURIComponent(cycleId)}`);
  }
}
