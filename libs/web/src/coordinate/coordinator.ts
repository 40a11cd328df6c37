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
 * Runs a page action: back to the page with what happened, or with the rule it broke. A refusal that names a field
 * goes first to `beside`, which shows the page again with the refusal beside that field's box (the GOV.UK error
 * pattern) and answers true, or answers false when the page has no box for it: then it goes in the summary.
 */
export async function act(
  res: Response,
  back: string,
  action: () => Promise<string>,
  beside?: (error: DomainError & { field: string }) => Promise<boolean>,
): Promise<void> {
  try {
    const message = await action();
    res.redirect(303, `${back}?${pageMessageQuery(res, 'done', message)}`);
  } catch (error) {
    if (
      error instanceof DomainError &&
      error.field &&
      beside &&
      (await beside(error as DomainError & { field: string }))
    )
      return;
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
