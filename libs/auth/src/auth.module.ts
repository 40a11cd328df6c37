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
import { ThrottledSignIn } from './sign-in/throttled-sign-in.js';
import { AttemptThrottle } from './throttle/attempt-throttle.js';
import { RequestNewLinkPage } from './request-new-link/request-new-link.http.js';
import { RequestNewLink } from './request-new-link/request-new-link.service.js';

@Module({
  imports: [ReturnsModule],
  controllers: [SignInHttp, ApiTokensHttp, StaffHttp, SubmissionLinkHttp, LinksAdminHttp, RequestNewLinkPage],
  providers: [
    AuthService,
    AuthMiddleware,
    SubmissionLinkService,
    LinksAdmin,
    AttemptThrottle,
    ThrottledSignIn,
    StaffNames,
    RequestNewLink,
  ],
  exports: [AuthService, AuthMiddleware, LinksAdmin, ThrottledSignIn, StaffNames],
})
export class AuthModule {}
