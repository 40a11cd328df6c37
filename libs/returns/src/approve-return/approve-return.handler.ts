import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CommandResult } from '../../../kernel/src/index.js';
import { ConcurrencyError } from '../../../event-store/src/index.js';
import { ConversationRepository } from '../conversation/conversation.repository.js';
import { conversationStreamId } from '../conversation/conversation.events.js';
import { openChangeRequestsOf } from '../conversation/conversation.state.js';
import { ReturnRepository } from '../return/return.repository.js';
import { ApproveReturnCommand } from './approve-return.command.js';

/** How often the approval is decided again when a message arrived on the thread as it was being written. */
const ATTEMPTS = 3;

@CommandHandler(ApproveReturnCommand)
export class ApproveReturnHandler implements ICommandHandler<ApproveReturnCommand> {
  constructor(
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(ConversationRepository) private readonly conversations: ConversationRepository,
  ) {}

  /**
   * The approval is appended only while the thread stands as read, so a change request posted meanwhile is
   * never passed over: the approval is decided again with it, and refused.
   */
  async execute(command: ApproveReturnCommand): Promise<CommandResult> {
    const thread = conversationStreamId(command.returnId);
    for (let attempt = 1; ; attempt++) {
      const { state, version } = await this.conversations.load(command.returnId);
      try {
        return await this.returns.execute(
          command.returnId,
          command.envelope,
          { type: 'ApproveReturn', openChangeRequests: openChangeRequestsOf(state) },
          undefined,
          [{ streamId: thread, version }],
        );
      } catch (error) {
        const threadMoved = error instanceof ConcurrencyError && error.streamId === thread;
        if (!threadMoved || attempt >= ATTEMPTS) throw error;
      }
    }
  }
}
