import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../../../libs/http/src/index.js';
import { DevMailbox } from './dev-mailbox.js';

/** A mail's text cut into plain runs and the addresses in it, so the page can make those clickable. */
function withLinks(text: string): { text: string; href?: string }[] {
  return text
    .split(/(https?:\/\/[^\s<>"]+)/)
    .filter(Boolean)
    .map((part) => (/^https?:\/\//.test(part) ? { text: part, href: part } : { text: part }));
}

/**
 * Outside production with no SMTP_URL: the mail the embedded catcher kept, newest first. A browser gets a page
 * (the links in the mail clickable, as a lead would click them); anything asking for JSON gets the list.
 */
@ApiExcludeController()
@Controller('dev/mail')
@Public()
export class DevMailHttp {
  constructor(@Inject(DevMailbox) private readonly mailbox: DevMailbox) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response) {
    const mail = await this.mailbox.list();
    if (req.accepts(['json', 'html']) !== 'html') return res.json({ mail });
    res.render('pages/dev-mail', {
      title: 'Mail caught in development',
      mail: mail.map((m) => ({ ...m, parts: withLinks(String(m.text ?? '')) })),
    });
  }
}
