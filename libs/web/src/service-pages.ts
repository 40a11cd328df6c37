import { Controller, Get, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { PageErrorFilter, Public } from '../../http/src/index.js';

/** The pages every service links from its footer: open to anyone, signed in or not. */
@ApiExcludeController()
@Controller()
@UseFilters(PageErrorFilter)
@Public()
export class ServicePages {
  @Get('accessibility')
  accessibility(@Res() res: Response): void {
    res.render('pages/service/accessibility', { title: 'Accessibility statement' });
  }

  @Get('privacy')
  privacy(@Res() res: Response): void {
    res.render('pages/service/privacy', { title: 'Privacy notice' });
  }

  /** Strictly necessary cookies only: a page that lists them, and no banner. */
  @Get('cookies')
  cookies(@Res() res: Response): void {
    res.render('pages/service/cookies', { title: 'Cookies' });
  }
}
