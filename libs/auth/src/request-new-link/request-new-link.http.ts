import { Body, Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { PageErrorFilter, Public } from '../../../http/src/index.js';
import { TooManyAttempts } from '../throttle/attempt-throttle.js';
import { NEW_LINK_PAGE, REQUESTED_LINK_HOURS, RequestNewLink } from './request-new-link.service.js';

/** Loose on purpose: the mail goes only to an address already registered, so this only catches typing slips. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The form an agency lead uses when their link no longer works, and the same answer for every address. */
@ApiExcludeController()
@Controller(NEW_LINK_PAGE.slice(1))
@UseFilters(PageErrorFilter)
@Public()
export class RequestNewLinkPage {
  constructor(@Inject(RequestNewLink) private readonly links: RequestNewLink) {}

  @Get()
  form(@Res() res: Response): void {
    res.render('pages/link/new', { title: 'Get a new link to your returns' });
  }

  @Post()
  async request(@Body() body: { email?: unknown }, @Req() req: Request, @Res() res: Response) {
    const email = typeof body?.email === 'string' ? body.email.trim() : '';
    const problem = !email
      ? 'Enter the email address the coordinator sends your returns to'
      : email.length > 254 || !EMAIL.test(email)
        ? 'Enter an email address in the correct format, like name@example.org'
        : null;
    if (problem) {
      return res
        .status(422)
        .render('pages/link/new', { title: 'Error: Get a new link to your returns', email, error: problem });
    }
    try {
      // The link is issued once this answer has gone, the same page for every address (see RequestNewLink).
      await this.links.request(email, req.ip, (go) => res.once('close', go));
    } catch (error) {
      if (!(error instanceof TooManyAttempts)) throw error;
      res.setHeader('Retry-After', String(error.retryAfter));
      return res.status(429).render('pages/link/new', {
        title: 'Error: Get a new link to your returns',
        email,
        error: error.message,
      });
    }
    // The same page whether or not the address is known: it reveals nothing about who is registered.
    res.status(200).render('pages/link/sent', {
      title: 'Check your email',
      email,
      hours: REQUESTED_LINK_HOURS,
    });
  }
}
