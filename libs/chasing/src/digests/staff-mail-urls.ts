import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { WhySent } from '../../../mail/src/index.js';
import { DigestReader, deliveryInWords } from './digest.decide.js';

/** Where a mail to staff sends them: pages, never the JSON API. */
@Injectable()
export class StaffMailUrls {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  reviewPage(returnId: string): string {
    return `${this.config.publicBaseUrl}/review/returns/${encodeURIComponent(returnId)}`;
  }

  /** The return's conversation, where a message is answered. */
  messagesPage(returnId: string): string {
    return `${this.reviewPage(returnId)}/messages`;
  }

  get queue(): string {
    return `${this.config.publicBaseUrl}/review`;
  }

  /** The account page's mail section, where the choice is changed. */
  get account(): string {
    return `${this.config.publicBaseUrl}/account#mail`;
  }

  /** Why a reviewer (or a coordinator standing in for none) got a mail about these themes, under the choice in force at `at`. */
  why(reader: DigestReader, themeTitles: string | string[], at: Date): WhySent {
    const titles = [...new Set([themeTitles].flat())];
    const because =
      reader.role === 'coordinator'
        ? 'you coordinate the partnership and no reviewer covers the theme written about'
        : reader.themeIds.length === 0
          ? 'you review every theme'
          : titles.length === 1
            ? `you review the theme ${titles[0]}`
            : `you review the themes ${titles.slice(0, -1).join(', ')} and ${titles[titles.length - 1]}`;
    return {
      because,
      delivery: deliveryInWords(reader.preference, at, this.config.mail.digestIntervalMs),
      accountUrl: this.account,
    };
  }
}
