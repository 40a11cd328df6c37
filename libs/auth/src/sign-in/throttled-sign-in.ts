import { Inject, Injectable } from '@nestjs/common';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { AuthService } from '../auth.service.js';
import { AttemptThrottle } from '../throttle/attempt-throttle.js';
import { clientAddress } from '../throttle/client-address.js';
import { signInAccountRule, signInAddressRule } from '../throttle/throttle-rules.js';

/**
 * Staff sign-in, throttled per client address and per account before any password is verified: past a limit
 * it throws TooManyAttempts (429, Retry-After) instead, whatever the password. Used by the API and the page.
 */
@Injectable()
export class ThrottledSignIn {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(AttemptThrottle) private readonly throttle: AttemptThrottle,
  ) {}

  async signIn(
    email: string,
    password: string,
    ip: string | undefined,
    partnershipId?: string,
  ): Promise<{ sessionId: string; actor: Actor } | null> {
    const account = signInAccountRule(email);
    const attempt = await this.throttle.begin([signInAddressRule(clientAddress(ip)), account]);
    let failed = true;
    try {
      const result = await this.auth.signIn(email, password, partnershipId);
      failed = result === null;
      return result;
    } catch (error) {
      // The password was right for more than one account: asking which partnership is not a failed attempt.
      if (error instanceof DomainError && error.code === 'partnership-required') failed = false;
      throw error;
    } finally {
      await this.throttle.settle(attempt, failed, [account]);
    }
  }
}
