import { CommandEnvelope } from '../../kernel/src/index.js';
import { EventMetadata } from './event.js';

/** What every event a command appends records of the command's envelope: who, in which request, and why. */
export function metadataFor(envelope: CommandEnvelope, reason?: string | null): EventMetadata {
  return {
    actorId: envelope.actor.id,
    actorRole: envelope.actor.role,
    correlationId: envelope.correlationId,
    causationId: null,
    ...(reason ? { reason } : {}),
  };
}
