import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AuthModule } from '../../auth/src/auth.module.js';
import { ReturnsModule } from '../../returns/src/returns.module.js';
import { AgencyPages } from './agency.pages.js';
import { SignInPage } from './sign-in.page.js';

/** The pages people use in a browser (GOV.UK Frontend, no JavaScript needed). */
@Module({
  imports: [CqrsModule, ReturnsModule, AuthModule],
  controllers: [SignInPage, AgencyPages],
})
export class WebModule {}
