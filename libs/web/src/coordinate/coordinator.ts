import { pageMessageQuery } from '../../../http/src/index.js';
import type { Response } from 'express';
import { DomainError } from '../../../kernel/src/index.js';
import type { FormValue } from '../form-fields.js';

/**
 * A form as posted: any field may be missing, and any may come more than once (a list), whatever the page's
 * form holds. Read fields with formText and formList (form-fields.ts), never as they come.
 */
export type Form = Record<string, FormValue>;

/** Runs a page action: back to the page with what happened, or with the rule it broke. */
export async function act(res: Response, back: string, action: () => Promise<string>): Promise<void> {
  try {
    const message = await action();
    res.redirect(303, `${back}?${pageMessageQuery(res, 'done', message)}`);
  } catch (error) {
    if (error instanceof DomainError && (error.kind === 'unprocessable' || error.kind === 'conflict')) {
      return res.redirect(303, `${back}?${pageMessageQuery(res, 'error', error.message)}`);
    }
    throw error;
  }
}

/** A page action that is not one: the same 404 as an unknown page. */
export function noSuchAction(): never {
  throw new DomainError('not-found', 'No such action', 'not-found');
}
