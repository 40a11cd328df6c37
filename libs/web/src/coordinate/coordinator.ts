import type { Response } from 'express';
import { DomainError } from '../../../kernel/src/index.js';

/** A form as a browser posts it: every field a string, any may be missing. */
export type Form = Record<string, string | undefined>;

/** Runs a page action: back to the page with what happened, or with the rule it broke. */
export async function act(res: Response, back: string, action: () => Promise<string>): Promise<void> {
  try {
    const message = await action();
    res.redirect(303, `${back}?done=${encodeURIComponent(message)}`);
  } catch (error) {
    if (error instanceof DomainError && (error.kind === 'unprocessable' || error.kind === 'conflict')) {
      return res.redirect(303, `${back}?error=${encodeURIComponent(error.message)}`);
    }
    throw error;
  }
}

/** A page action that is not one: the same 404 as an unknown page. */
export function noSuchAction(): never {
  throw new DomainError('not-found', 'No such action', 'not-found');
}
