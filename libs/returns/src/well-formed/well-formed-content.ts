import { DomainError, TEXT_FAULT_MESSAGES, textFault } from '../../../kernel/src/index.js';
import { INDICATOR_LIMIT, isIndicatorNumber } from '../../../plan/src/index.js';
import { DIRECTIONS, RAGS, ReturnContent } from '../return/return-content.js';

/**
 * The shape every stored return content has, checked by the rules themselves: HTTP validation already refuses
 * all of this with 400, but a gap there (or a caller that is not HTTP) must not write content the report and
 * the projections cannot read, such as `caseStudies: [[]]`. Limits on length stay with the HTTP layer.
 */
export function requireWellFormedContent(content: unknown): ReturnContent {
  if (!isPlainObject(content)) throw malformed('content', 'must be an object');
  const c = content as Record<string, unknown>;
  for (const key of Object.keys(c)) {
    if (!CONTENT_KEYS.has(key)) throw malformed(key, 'is not part of a return');
  }
  oneOf(c.rag, RAGS, 'rag');
  oneOf(c.dot, DIRECTIONS, 'dot');
  optionalText(c.narrative, 'narrative');
  optionalText(c.comments, 'comments');
  listOf(c.tables, 'tables', (table, field) => {
    if (!isPlainObject(table)) throw malformed(field, 'must be a table: caption, header and rows');
    text(table.caption, `${field}.caption`);
    listOf(table.header, `${field}.header`, text, true);
    const width = (table.header as unknown[]).length;
    listOf(
      table.rows,
      `${field}.rows`,
      (row, rowField) => {
        listOf(row, rowField, text, true);
        if ((row as unknown[]).length > width) throw malformed(rowField, 'is wider than the header');
      },
      true,
    );
  });
  listOf(c.caseStudies, 'caseStudies', (study, field) => {
    if (!isPlainObject(study)) throw malformed(field, 'must be a case study: title, agency and sections');
    text(study.title, `${field}.title`);
    text(study.agency, `${field}.agency`);
    listOf(
      study.sections,
      `${field}.sections`,
      (section, sectionField) => {
        if (!isPlainObject(section)) throw malformed(sectionField, 'must be a section: heading and body');
        text(section.heading, `${sectionField}.heading`);
        text(section.body, `${sectionField}.body`);
      },
      true,
    );
  });
  optionalText(c.ragReason, 'ragReason');
  listOf(c.indicators, 'indicators', (entry, field) => {
    if (!isPlainObject(entry)) throw malformed(field, 'must be an indicator value: name and value');
    text(entry.name, `${field}.name`);
    if (entry.value !== null && !isIndicatorNumber(entry.value))
      throw malformed(
        `${field}.value`,
        `must be a number between -${INDICATOR_LIMIT} and ${INDICATOR_LIMIT}, or null`,
      );
  });
  return content as ReturnContent;
}

const CONTENT_KEYS = new Set([
  'rag',
  'narrative',
  'dot',
  'comments',
  'tables',
  'caseStudies',
  'indicators',
  'ragReason',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(field: string, message: string): DomainError {
  return new DomainError('malformed-content', `${field} ${message}`, 'unprocessable', field);
}

function text(value: unknown, field: string): void {
  if (typeof value !== 'string') throw malformed(field, 'must be text');
  const fault = textFault(value);
  if (fault) throw malformed(field, TEXT_FAULT_MESSAGES[fault]);
}

function optionalText(value: unknown, field: string): void {
  if (value !== undefined && value !== null) text(value, field);
}

function oneOf(value: unknown, allowed: readonly string[], field: string): void {
  if (value !== undefined && value !== null && !allowed.includes(value as string)) {
    throw malformed(field, `must be one of ${allowed.join(', ')}`);
  }
}

/** A list whose every item passes `item`; left out is allowed unless `required`. */
function listOf(
  value: unknown,
  field: string,
  item: (value: unknown, field: string) => void,
  required = false,
): void {
  if (value === undefined && !required) return;
  if (!Array.isArray(value)) throw malformed(field, 'must be a list');
  value.forEach((v, i) => item(v, `${field}[${i}]`));
}
