import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { MailDelivery } from './mail-preference.js';

/** A staff member's mail preference as the account page and the API show it. */
export interface MailPreferenceView {
  delivery: MailDelivery;
  /** False while the default is in force (nothing chosen yet). */
  chosen: boolean;
  /** "hourly digests": what a digest is on this deployment. */
  digests: string;
  /** The preference stream's version: the ETag, and If-Match for the next change. */
  version: number;
}

/** Choose how the signed-in staff member hears of new work: "digest" or "at-once". */
export class ChooseMailDeliveryCommand extends Command<MailPreferenceView> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly delivery: unknown,
  ) {
    super();
  }
}
