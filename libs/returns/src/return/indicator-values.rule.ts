import { DomainError } from '../../../kernel/src/index.js';
import { Indicator, suggestRag } from '../../../plan/src/index.js';
import { ReturnContent } from './return-content.js';

/**
 * A return's values name only the measure's indicators, each once: a value for an indicator the plan does not
 * declare (misspelt, or dropped from the plan) would be kept but never reported, so it is refused, naming it.
 */
export function requireDeclaredIndicators(content: ReturnContent, declared: readonly Indicator[]): void {
  const names = new Set(declared.map((i) => i.name));
  const seen = new Set<string>();
  (content.indicators ?? []).forEach((entry, i) => {
    const field = `indicators[${i}].name`;
    if (!names.has(entry.name)) {
      const known = declared.length
        ? `its indicators are ${declared.map((d) => `"${d.name}"`).join(', ')}`
        : 'it has no indicators';
      throw new DomainError(
        'unknown-indicator',
        `"${entry.name}" is not an indicator of this measure: ${known}`,
        'unprocessable',
        field,
      );
    }
    if (seen.has(entry.name))
      throw new DomainError(
        'duplicate-indicator',
        `"${entry.name}" has more than one value`,
        'unprocessable',
        field,
      );
    seen.add(entry.name);
  });
}

/**
 * An agency may choose another RAG than its values suggest (it knows what the numbers miss), but then says
 * why, so the reviewer can weigh it. Without values there is no suggestion and no reason is needed.
 */
export function requireRagReason(content: ReturnContent, declared: readonly Indicator[]): void {
  const suggested = suggestRag(declared, content.indicators);
  if (suggested && content.rag && content.rag !== suggested && !content.ragReason?.trim())
    throw new DomainError(
      'rag-reason-required',
      `The values suggest ${suggested}: give a reason for choosing ${content.rag}`,
      'unprocessable',
      'ragReason',
    );
}
