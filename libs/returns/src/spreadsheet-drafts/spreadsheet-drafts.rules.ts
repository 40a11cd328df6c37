import {
  Actor,
  charactersIn,
  DomainError,
  TEXT_FAULT_MESSAGES,
  textFault,
} from '../../../kernel/src/index.js';
import { Indicator, isIndicatorNumber } from '../../../plan/src/index.js';
import { CycleState } from '../cycle/cycle.state.js';
import { refuseOnClosedCycle } from '../return/closed-cycle.rule.js';
import { IndicatorValue, ReturnContent } from '../return/return-content.js';
import { LIMITS } from '../return/return-content.dto.js';
import { decideReturn } from '../return/return.decide.js';
import { ReturnEvent } from '../return/return.events.js';
import { LiveReturnState } from '../return/return.state.js';
import {
  COLUMNS,
  DOT_WORDS,
  indicatorColumn,
  indicatorOfColumn,
  PROGRESS_TOO_LONG,
  RAG_WORDS,
  SheetProblem,
  SheetRow,
} from './returns-sheet.js';

/** A return a row may name, as stored now, with the indicators its measure declares. */
export interface StoredReturn {
  state: LiveReturnState;
  version: number;
  indicators: readonly Indicator[];
}

export interface DraftFromRow {
  returnId: string;
  measureRef: string;
  row: number;
  expectedVersion: number;
  events: ReturnEvent[];
}

export interface SpreadsheetDecision {
  problems: SheetProblem[];
  drafts: DraftFromRow[];
  /** Rows that say what the return already holds: nothing to save for them. */
  unchanged: number;
}

/**
 * The rules of an uploaded returns spreadsheet. Each row is read with the form's rules (the same content
 * rules and the same SaveReturnDraft decision), and each changed row becomes that return's draft at the version
 * the file was made from. Every problem is listed, not just the first; the caller saves the drafts only when
 * there are none, so a file is taken whole or not at all.
 */
export function decideSpreadsheetRows(
  rows: readonly SheetRow[],
  stored: ReadonlyMap<string, StoredReturn>,
  actor: Actor,
  cycleStatus: CycleState['status'],
): SpreadsheetDecision {
  const problems: SheetProblem[] = [];
  const drafts: DraftFromRow[] = [];
  const seen = new Set<string>();
  let unchanged = 0;
  for (const sheetRow of rows) {
    const say = (column: string, message: string) => problems.push({ row: sheetRow.row, column, message });
    const returnId = String(sheetRow.cells[COLUMNS.returnId] ?? '').trim();
    const found = stored.get(returnId);
    // Another agency's return reads as no return at all, as it does everywhere else for a lead.
    if (!found || found.state.agencyId !== actor.agencyId) {
      say(COLUMNS.returnId, 'is not one of your returns in this cycle: download the spreadsheet again');
      continue;
    }
    if (seen.has(returnId)) {
      say(COLUMNS.returnId, `names ${found.state.measureRef} again: keep one row for each return`);
      continue;
    }
    seen.add(returnId);
    const version = sheetRow.cells[COLUMNS.version];
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      say(COLUMNS.version, 'must be the version the spreadsheet was downloaded with: download it again');
      continue;
    }
    const before = problems.length;
    const content = contentOfRow(sheetRow, found, say);
    if (problems.length > before) continue;
    if (sameContent(content, found.state.content, found.indicators)) {
      unchanged += 1;
      continue;
    }
    if (found.state.status !== 'requested' && found.state.status !== 'draft') {
      say(
        COLUMNS.ref,
        `${found.state.measureRef} has been ${found.state.status} since, so it cannot be changed from a spreadsheet`,
      );
      continue;
    }
    if (version !== found.version) {
      say(
        COLUMNS.version,
        `${found.state.measureRef} was changed after this spreadsheet was downloaded: download it again, so nothing saved since is lost`,
      );
      continue;
    }
    try {
      refuseOnClosedCycle('SaveReturnDraft', cycleStatus, found.state);
      const events = decideReturn(
        { type: 'SaveReturnDraft', actor, content, indicators: found.indicators },
        found.state,
      );
      // The rules may still find the row says what the draft says (its words stored with CRLF before, say).
      if (events.length === 0) {
        unchanged += 1;
        continue;
      }
      drafts.push({
        returnId,
        measureRef: found.state.measureRef,
        row: sheetRow.row,
        expectedVersion: found.version,
        events,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      say(columnOfField(error.field), error.message);
    }
  }
  return { problems, drafts, unchanged };
}

type Say = (column: string, message: string) => void;

/** The row's cells over the return's draft: what the row leaves empty, it clears, as the form does. */
function contentOfRow(row: SheetRow, found: StoredReturn, say: Say): ReturnContent {
  const cell = (column: string) => {
    const value = row.cells[column];
    return value === undefined ? '' : String(value).trim();
  };
  const content: ReturnContent = { ...found.state.content };
  content.rag = wordOf(
    cell(COLUMNS.rag),
    RAG_WORDS,
    COLUMNS.rag,
    'must be Green, Amber or Red, or empty',
    say,
  );
  content.dot = wordOf(
    cell(COLUMNS.dot),
    DOT_WORDS,
    COLUMNS.dot,
    'must be Improving, No change, Declining or New, or empty',
    say,
  );
  // A narrative longer than a cell was not put in the file (PROGRESS_TOO_LONG stands in for it): kept as stored.
  if (cell(COLUMNS.narrative) !== PROGRESS_TOO_LONG)
    content.narrative = textOf(cell(COLUMNS.narrative), COLUMNS.narrative, LIMITS.narrative, say);
  content.comments = textOf(cell(COLUMNS.comments), COLUMNS.comments, LIMITS.comments, say);
  content.ragReason = textOf(cell(COLUMNS.ragReason), COLUMNS.ragReason, LIMITS.ragReason, say);
  const declared = new Set(found.indicators.map((i) => i.name));
  for (const heading of Object.keys(row.cells)) {
    const name = indicatorOfColumn(heading);
    if (name !== null && !declared.has(name) && cell(heading) !== '')
      say(heading, `is not an indicator of ${found.state.measureRef}: leave it empty`);
  }
  if (found.indicators.length > 0)
    content.indicators = found.indicators.map(({ name }): IndicatorValue => {
      const column = indicatorColumn(name);
      return { name, value: numberOf(row.cells[column], column, say) };
    });
  return content;
}

function wordOf<T extends string>(
  typed: string,
  words: Record<T, string>,
  column: string,
  rule: string,
  say: Say,
): T | null {
  if (typed === '') return null;
  const key = (Object.keys(words) as T[]).find(
    (k) => words[k].toLowerCase() === typed.toLowerCase() || k === typed.toLowerCase(),
  );
  if (key === undefined) say(column, rule);
  return key ?? null;
}

function textOf(typed: string, column: string, max: number, say: Say): string | null {
  if (typed === '') return null;
  const fault = textFault(typed);
  if (fault) say(column, TEXT_FAULT_MESSAGES[fault]);
  else if (charactersIn(typed) > max)
    say(column, `must be at most ${max.toLocaleString('en-GB')} characters`);
  return typed;
}

function numberOf(value: string | number | undefined, column: string, say: Say): number | null {
  if (value === undefined || (typeof value === 'string' && value.trim() === '')) return null;
  // A number typed as text ("85") is still the number; "85%" or "about 30" is not one.
  const number =
    typeof value === 'number' ? value : /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (isIndicatorNumber(number)) return number;
  say(column, Number.isFinite(number) ? 'is too large to be a value' : 'must be a number, such as 85');
  return null;
}

function sameContent(a: ReturnContent, b: ReturnContent, indicators: readonly Indicator[]): boolean {
  const plain = ['rag', 'narrative', 'dot', 'comments', 'ragReason'] as const;
  const valueOf = (c: ReturnContent, name: string) =>
    c.indicators?.find((i) => i.name === name)?.value ?? null;
  return (
    plain.every((k) => (a[k] ?? null) === (b[k] ?? null)) &&
    indicators.every(({ name }) => valueOf(a, name) === valueOf(b, name))
  );
}

const FIELD_COLUMNS: Record<string, string> = {
  rag: COLUMNS.rag,
  narrative: COLUMNS.narrative,
  dot: COLUMNS.dot,
  comments: COLUMNS.comments,
  ragReason: COLUMNS.ragReason,
};

/** The column a rule's field is typed in; a rule about the return as a whole is said at its reference. */
function columnOfField(field: string | undefined): string {
  if (field && FIELD_COLUMNS[field]) return FIELD_COLUMNS[field];
  return COLUMNS.ref;
}
