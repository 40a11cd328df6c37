import { CqrsModule } from '@nestjs/cqrs';
import { Module } from '@nestjs/common';
import { ReturnsModule } from '../../returns/src/index.js';
import { LinksAdminHttp } from './submission-links/links-admin.http.js';
import { LinksAdmin } from './submission-links/links-admin.service.js';
import { SubmissionLinkHttp } from './submission-links/submission-link.http.js';
import { SubmissionLinkService } from './submission-links/submission-link.service.js';
import { AuthMiddleware } from './auth.middleware.js';
import { AuthService } from './auth.service.js';
import { SignInHttp } from './sign-in/sign-in.http.js';
import { StaffHttp } from './staff/staff.http.js';
import { StaffNames } from './staff/staff-names.query.js';
import { ApiTokensHttp } from './tokens/api-tokens.http.js';
import { MAIL_LEDGER_PROVIDERS, MailModule } from '../../mail/src/index.js';
import { Passwords } from './passwords/passwords.service.js';
import { StaffDirectory } from './staff/staff-directory.js';
import { ThrottledSignIn } from './sign-in/throttled-sign-in.js';
import { AttemptThrottle } from './throttle/attempt-throttle.js';
import { RequestNewLinkPage } from './request-new-link/request-new-link.http.js';
import { RequestNewLink } from './request-new-link/request-new-link.service.js';
import {
  ConfigureSingleSignOnHandler,
  TurnOffSingleSignOnHandler,
} from './single-sign-on/configure-single-sign-on.handler.js';
import { SingleSignOnHttp } from './single-sign-on/single-sign-on.http.js';
import { SingleSignOnSetups } from './single-sign-on/single-sign-on.query.js';
import { ProviderSignIn } from './single-sign-on/provider-sign-in.js';
import { StaffErasureModule } from './staff/staff-erasure.js';

@Module({
  imports: [CqrsModule, ReturnsModule, MailModule, StaffErasureModule],
  controllers: [
    SignInHttp,
    ApiTokensHttp,
    StaffHttp,
    SubmissionLinkHttp,
    LinksAdminHttp,
    RequestNewLinkPage,
    SingleSignOnHttp,
  ],
  providers: [
    AuthService,
    AuthMiddleware,
    SubmissionLinkService,
    LinksAdmin,
    AttemptThrottle,
    ThrottledSignIn,
    StaffNames,
    RequestNewLink,
    Passwords,
    StaffDirectory,
    SingleSignOnSetups,
    ProviderSignIn,
    ConfigureSingleSignOnHandler,
    TurnOffSingleSignOnHandler,
    ...MAIL_LEDGER_PROVIDERS,
  ],
  exports: [
    AuthService,
    AuthMiddleware,
    LinksAdmin,
    ThrottledSignIn,
    StaffNames,
    Passwords,
    StaffDirectory,
    SingleSignOnSetups,
    ProviderSignIn,
  ],
})
export class AuthModule {}
