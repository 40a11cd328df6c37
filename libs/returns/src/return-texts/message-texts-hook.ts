import { registerEventStoreHook } from '../../../event-store/src/index.js';
import { SingleTextField, singleTextHook } from './single-text-hook.js';

/** The return_texts field of a message's body, keyed by the return id as a return's own texts are. */
export const MESSAGE_TEXT_FIELD = 'messages';

/**
 * The body of a message on a return's thread (a lead may name a client in it) held apart in return_texts, so that
 * a coordinator can redact a passage from it without rewriting an event row. Messages posted before this hook
 * hold their body inline: they read as they are, and a redaction refuses them (message-held-in-log) rather than
 * rewrite their row.
 */
export const MESSAGE_TEXTS: SingleTextField = {
  name: 'message-texts',
  streamPrefix: 'conversation:',
  types: new Set(['ReturnMessagePosted']),
  field: 'body',
  textField: MESSAGE_TEXT_FIELD,
};
export const MESSAGE_TEXTS_HOOK = singleTextHook(MESSAGE_TEXTS);
registerEventStoreHook(MESSAGE_TEXTS_HOOK);
