import { randomUUID } from 'node:crypto';
import { Sql } from '../../../event-store/src/index.js';
import { passageForms } from '../../../kernel/src/index.js';
import { isTextRef, TextRef } from './return-text-fields.js';
import { rewriteTexts, UNSTORABLE, UnstorableTextError } from './return-texts.table.js';

/**
 * The case studies a coordinator types into a cycle's appendices name young people as a return's do (the seed's
 * Appendix 2): their title and section bodies are held apart in return_texts too, under the field below and the
 * appendices' stream id in place of a return id, so a passage can be redacted without rewriting an event row.
 */
export const APPENDIX_TEXT_FIELD = 'appendixCaseStudies';

/** The events whose data holds an entered study (`data.study`). */
export const APPENDIX_STUDY_EVENT_TYPES: ReadonlySet<string> = new Set([
  'AppendixCaseStudyAdded',
  'AppendixCaseStudyChanged',
]);

/** Where in a study a text is: its title, or the body of the section at that index (from 0). */
export type StudyPart = 'title' | number;

/** Rebuilds a study with each held text (title, section bodies) replaced by what `swap` makes of it. */
export function mapStudyTexts<S>(study: S, swap: (value: unknown, part: StudyPart) => unknown): S {
  // A malformed study of long ago (not an object) is kept as it is.
  if (typeof study !== 'object' || study === null || Array.isArray(study)) return study;
  const s = study as { title?: unknown; sections?: unknown };
  const copy: Record<string, unknown> = { ...s };
  if (s.title !== undefined && s.title !== null) copy.title = swap(s.title, 'title');
  if (Array.isArray(s.sections)) {
    copy.sections = s.sections.map((section: unknown, index) => {
      if (typeof section !== 'object' || section === null || Array.isArray(section)) return section;
      const body = (section as { body?: unknown }).body;
      return body === undefined || body === null ? section : { ...section, body: swap(body, index) };
    });
  }
  return copy as S;
}

/** Moves a study's texts into return_texts (on `sql`, the append's transaction) and gives back what holds refs. */
export async function holdStudyTexts(sql: Sql, streamId: string, study: unknown): Promise<unknown> {
  const rows: { id: string; text: string }[] = [];
  const held = mapStudyTexts(study, (value) => {
    if (typeof value !== 'string') return value;
    if (UNSTORABLE.test(value)) throw new UnstorableTextError('study');
    const ref: TextRef = { textId: randomUUID() };
    rows.push({ id: ref.textId, text: value });
    return ref;
  });
  if (rows.length > 0) {
    await sql.query(
      `INSERT INTO return_texts (id, return_id, field, text)
       SELECT id, $1, $2, text FROM unnest($3::uuid[], $4::text[]) AS t(id, text)`,
      [streamId, APPENDIX_TEXT_FIELD, rows.map((r) => r.id), rows.map((r) => r.text)],
    );
  }
  return held;
}

/** The refs a study holds, with where each is. */
export function studyRefs(study: unknown): { textId: string; part: StudyPart }[] {
  const refs: { textId: string; part: StudyPart }[] = [];
  mapStudyTexts(study, (value, part) => {
    if (isTextRef(value)) refs.push({ textId: value.textId, part });
    return value;
  });
  return refs;
}

/**
 * The passage replaced by [redacted] in the held texts named (every version of one part of one study); the
 * event rows are not touched. Returns how many texts changed.
 */
export async function redactHeldTexts(sql: Sql, ids: readonly string[], passage: string): Promise<number> {
  if (ids.length === 0) return 0;
  // Whichever way the held text's lines end (one entered in a browser before was kept with CRLF) and whichever
  // way its accents were typed (see passageForms).
  const rows: { id: string; text: string }[] = await sql.query(
    `SELECT id::text AS id, text FROM return_texts
     WHERE id = ANY($1::uuid[]) AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS f(form) WHERE strpos(text, form) > 0)
     FOR UPDATE`,
    [ids, passageForms(passage)],
  );
  return rewriteTexts(sql, rows, passage);
}
