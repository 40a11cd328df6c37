import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { CurrentActor, Optional, Public, Roles } from '../../../http/src/index.js';
import { Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { SESSION_COOKIE } from '../auth.middleware.js';
import { AuthService, STAFF_SESSION_HOURS } from '../auth.service.js';
import { ThrottledSignIn } from './throttled-sign-in.js';

export class SignInDto {
  @ApiProperty({ format: 'email', maxLength: 254, example: 'coordinator@sevenoaks.gov.uk' })
  @IsEmail()
  @MaxLength(254)
  email: string;
  @ApiProperty({ maxLength: 200, format: 'password' })
  @IsString()
  @MaxLength(200)
  password: string;
  @ApiPropertyOptional({
    description:
      'Needed only when the email and password open accounts in more than one partnership (409 ' +
      'partnership-required lists them)',
    example: 'sevenoaks-lsp',
  })
  @Optional()
  @IsString()
  @Matches(/^[a-z0-9-]{1,64}$/)
  partnershipId?: string;
}

export function sessionCookieOptions(config: AppConfig, hours: number) {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: config.publicBaseUrl.startsWith('https:'),
    path: '/',
    maxAge: hours * 3_600_000,
  };
}

@ApiTags('auth')
@Controller('auth')
export class SignInHttp {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(ThrottledSignIn) private readonly signIns: ThrottledSignIn,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Staff sign-in: a fresh HttpOnly session cookie, replacing any session the browser had. Throttled per address
   * and per account: 429 with Retry-After past the limits.
   */
  @Post('sign-in')
  @Public()
  @HttpCode(200)
  async signIn(@Body() body: SignInDto, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const previous = (req as { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
    if (previous) await this.auth.endSession(previous);
    const result = await this.signIns.signIn(body.email, body.password, req.ip, body.partnershipId);
    if (!result) {
      throw new UnauthorizedException({
        type: 'https://partner-returns.dev/problems/sign-in-failed',
        title: 'That email and password do not match an account',
        status: 401,
      });
    }
    res.cookie(SESSION_COOKIE, result.sessionId, sessionCookieOptions(this.config, STAFF_SESSION_HOURS));
    return { actor: result.actor };
  }

  @Post('sign-out')
  @Public()
  @HttpCode(204)
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const session = (req as { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
    if (session) await this.auth.endSession(session);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @Roles(ANYONE_SIGNED_IN)
  me(@CurrentActor() actor: Actor) {
    return { actor };
  }
}
