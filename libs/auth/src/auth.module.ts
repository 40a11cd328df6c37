import { Module } from '@nestjs/common';
import { AuthMiddleware } from './auth.middleware.js';
import { AuthService } from './auth.service.js';
import { SignInHttp } from './sign-in/sign-in.http.js';
import { StaffHttp } from './staff/staff.http.js';
import { ApiTokensHttp } from './tokens/api-tokens.http.js';

@Module({
  controllers: [SignInHttp, ApiTokensHttp, StaffHttp],
  providers: [AuthService, AuthMiddleware],
  exports: [AuthService, AuthMiddleware],
})
export class AuthModule {}
