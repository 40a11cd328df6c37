import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock, CommandEnvelope, DomainError } from '../../../kernel/src/index.js';
import {
  commandTransactionOn,
  decidedAgainWhenOutrun,
  EventStore,
  metadataFor,
  refuseStaleVersion,
  transactionally,
} from '../../../event-store/src/index.js';
import { decideConversation } from '../conversation/conversation.decide.js';
import { ConversationEvent, conversationStreamId } from '../conversation/conversation.events.js';
import { ConversationRepository } from '../conversation/conversation.repository.js';
import { foldConversation } from '../conversation/conversation.state.js';
import { redactHeldTexts } from '../return-texts/appendix-texts.js';
import { isTextRef } from '../return-texts/return-text-fields.js';

export interface MessagePassageToRedact {
  returnId: string;
  messageId: string;
  passage: string;
  reason: string;
}

export interface RedactedMessagePassage {
  id: string;
  /** The thread's version after MessagePassageRedacted: its ETag. */
  version: number;
  messageId: string;
  status: 'redacted';
  /** How many held texts had the passage taken out (a message has one version: 1). */
  textsChanged: number;
}

/**
 * A coordinator's redaction of a passage from a message of a return's thread, in one transaction: decide, append
 * MessagePassageRedacted to the thread, rewrite the body's row in return_texts. No event row is rewritten; a
 * message whose body is still inline in its event row (posted before bodies were held apart) is refused.
 * No publication holds a message, so none is re-issued.
 */
@Injectable()
export class MessagePassageRedaction {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  redact(envelope: CommandEnvelope, asked: MessagePassageToRedact): Promise<RedactedMessagePassage> {
    const once = () => this.redactOnce(envelope, asked);
    // A lead posting on the thread as the coordinator redacts does not make a redaction without If-Match stale.
    if (commandTransactionOn(this.dataSource)) return once();
    return decidedAgainWhenOutrun(conversationStreamId(asked.returnId), envelope.expectedVersion, once);
  }

  private async redactOnce(
    envelope: CommandEnvelope,
    asked: MessagePassageToRedact,
  ): Promise<RedactedMessagePassage> {
    const about = await this.conversations.about(asked.returnId, envelope);
    const streamId = conversationStreamId(asked.returnId);
    return transactionally(this.dataSource, async (manager) => {
      const events = await this.store.readStream<ConversationEvent>(streamId, {}, manager);
      const version = events.at(-1)?.version ?? 0;
      refuseStaleVersion(streamId, envelope.expectedVersion, version);
      const now = this.clock.now();
      const decided = decideConversation(
        {
          type: 'RedactMessagePassage',
          actor: envelope.actor,
          about: { returnId: asked.returnId, agencyId: about.state.agencyId, status: about.state.status },
          messageId: asked.messageId,
          passage: asked.passage,
          reason: asked.reason,
          now,
        },
        foldConversation(events),
      );
      // The stored row, not the event as read (which has the body put back): where the body is held.
      const [row]: { body: unknown }[] = await manager.query(
        `SELECT data->'body' AS body FROM events
         WHERE stream_id = $1 AND type = 'ReturnMessagePosted' AND data->>'messageId' = $2`,
        [streamId, asked.messageId],
      );
      if (!row || !isTextRef(row.body)) {
        throw new DomainError(
          'message-held-in-log',
          `Message ${asked.messageId} was posted before messages could be redacted: its text is in the ` +
            'event log itself, which a redaction does not rewrite',
          'unprocessable',
          'messageId',
        );
      }
      const { nextExpectedVersion } = await this.store.append(
        streamId,
        version,
        decided,
        metadataFor(envelope, asked.reason.trim()),
        { recordedAt: now },
        manager,
      );
      const textsChanged = await redactHeldTexts(manager, [row.body.textId], asked.passage);
      return {
        id: asked.returnId,
        version: nextExpectedVersion,
        messageId: asked.messageId,
        status: 'redacted' as const,
        textsChanged,
      };
    });
  }
}
