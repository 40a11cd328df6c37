import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { SingleSignOnView } from './single-sign-on.query.js';

/** Set up (or change) the coordinator's partnership's OpenID Connect provider and role mapping. */
export class ConfigureSingleSignOnCommand extends Command<SingleSignOnView> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly settings: {
      organisation: unknown;
      issuer: unknown;
      clientId: unknown;
      clientSecretEnv: unknown;
      rules: unknown;
    },
  ) {
    super();
  }
}

/** Stop offering sign-in with the provider; password sign-in goes on as before. */
export class TurnOffSingleSignOnCommand extends Command<SingleSignOnView> {
  constructor(readonly envelope: CommandEnvelope) {
    super();
  }
}
