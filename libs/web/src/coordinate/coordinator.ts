import { pageMessageQuery } from '../../../http/src/index.js';
import type { Response } from 'express';
import { DomainError } from '../../../kernel/src/index.js';
import type { FormValue } from '../form-fields.js';

/**
 * A form as posted: any field may be missing, and any may come more than once (a list), whatever the page's
 * form holds. Read fields with formText and formList (form-fields.ts), never as they come.
 */
export type Form = Record<string, FormValue>;

/**
 * Runs a page action: back to the page with what happened, or with the rule it broke. A refusal (a rule's "no",
 * with or without a field) goes first to `again`, which shows the same page again with what was typed kept in its
 * boxes, the rule beside the field it names (the GOV.UK error pattern) or in the error summary, and answers true;
 * or answers false when the page has no form to show it on: then it goes in the summary of the page redirected to.
 * The redirect lost what was typed (a reason, a date, an agency chosen).
 */
export async function act(
  res: Response,
  back: string,
  action: () => Promise<string>,
  again?: (error: DomainError) => Promise<boolean>,
): Promise<void> {
  try {
    const message = await action();
    res.redirect(303, `${back}?${pageMessageQuery(res, 'done', message)}`);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const refusal = error.kind === 'unprocessable' || error.kind === 'conflict';
    if ((refusal || error.field) && again && (await again(error))) return;
    if (refusal) return res.redirect(303, `${back}?${pageMessageQuery(res, 'error', error.message)}`);
    throw error;
  }
}

/** A page action that is not one: the same 404 as an unknown page. */
export function noSuchAction(): never {
  throw new DomainError('not-found', 'No such action', 'not-found');
}
