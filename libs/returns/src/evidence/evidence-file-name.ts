import { DomainError } from '../../../kernel/src/index.js';

export const EVIDENCE_NAME_MAX_LENGTH = 255;
export const EVIDENCE_TITLE_MAX_LENGTH = 200;

/**
 * C0 and C1 controls (NUL included), the line and paragraph separators, and the bidirectional marks, embeddings,
 * overrides and isolates that make `report\u202Efdp.exe` read as `reportexe.pdf` (the Arabic letter mark
 * U+061C among them, which reorders as the right-to-left mark does): none has a place in a file's name or title.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

/**
 * Spaces and format characters (zero-width spaces and joiners, soft hyphens, a byte order mark), with dots: trim()
 * leaves the format characters, so a name of them alone, or a bare ".", named nothing a reviewer could read or a
 * download could be saved as.
 */
const SHOWS_NOTHING = /^[\p{White_Space}\p{Cf}.]*$/u;
/** A title of only spaces and format characters is none: the file's name stands for it. */
const BLANK = /^[\p{White_Space}\p{Cf}]*$/u;

/**
 * The uploaded name, checked: it is shown and offered back on download, never used as a path, but a name with
 * path parts is refused rather than quietly cut down, so the lead sees what happened.
 */
export function checkedFileName(name: string): string {
  const refuse = (code: string, message: string) => new DomainError(code, message, 'unprocessable', 'file');
  if (SHOWS_NOTHING.test(name)) throw refuse('file-name-required', 'The file must have a name');
  if (CONTROL.test(name)) {
    throw refuse('file-name-control-characters', 'The file’s name must not hold control characters');
  }
  if (/[/\\]/.test(name) || name.split(/[/\\]/).includes('..') || name.includes('..')) {
    throw refuse('file-name-path', 'The file’s name must not hold a path (“/”, “\\” or “..”)');
  }
  if (name.length > EVIDENCE_NAME_MAX_LENGTH) {
    throw refuse(
      'file-name-too-long',
      `The file’s name must be ${EVIDENCE_NAME_MAX_LENGTH} characters or fewer`,
    );
  }
  return name.trim();
}

/** What the lead calls the file; its name when they give none. */
export function checkedTitle(title: string, fileName: string): string {
  const trimmed = title.trim();
  const refuse = (code: string, message: string) => new DomainError(code, message, 'unprocessable', 'title');
  if (CONTROL.test(trimmed)) {
    throw refuse('title-control-characters', 'The title must not hold control characters');
  }
  if (trimmed.length > EVIDENCE_TITLE_MAX_LENGTH) {
    throw refuse('title-too-long', `The title must be ${EVIDENCE_TITLE_MAX_LENGTH} characters or fewer`);
  }
  return BLANK.test(trimmed) ? fileName : trimmed;
}
