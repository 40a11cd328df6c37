import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '../../auth/src/index.js';
import { ReturnsModule, PartnershipIndex } from '../../returns/src/index.js';
import { AgencyPages } from './agency.pages.js';
import { SignInPage } from './sign-in.page.js';
import { ReviewPages } from './review.pages.js';
import { CoordinatePages } from './coordinate.pages.js';
import { WebQueries } from './web-queries.js';

/** The pages people use in a browser (GOV.UK Frontend, no JavaScript needed). */
@Module({
  imports: [CqrsModule, ReturnsModule, AuthModule],
  controllers: [SignInPage, AgencyPages, ReviewPages, CoordinatePages],
  providers: [WebQueries, PartnershipIndex],
})
export class WebModule {}
