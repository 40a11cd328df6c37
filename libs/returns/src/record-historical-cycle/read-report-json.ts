import { isCalendarDate, isWellFormedId, TEXT_FAULT_MESSAGES, textFault } from '../../../kernel/src/index.js';
import {
  DIRECTIONS,
  DirectionOfTravel,
  Rag,
  RAGS,
  ReturnContent,
  ReturnTable,
} from '../return/return-content.js';
import { LIMITS } from '../return/return-content.dto.js';
import { FileProblem, HISTORY_LIMITS, HistoricalFile, HistoricalMeasure } from './historical-file.js';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads the JSON of an old report (the shape `GET /cycles/:id/report` and a publication give): the cycle's label
 * and period, its title and year heading, and each theme's measures with their RAG, progress, DOT, comments and
 * tables. Everything else in it (headline, counts, awaiting measures, appendices) is derived or not a return,
 * so it is left alone. Every problem is named by its JSON pointer; nothing stops at the first.
 */
export function readReportJson(report: unknown): HistoricalFile {
  const problems: FileProblem[] = [];
  const problem = (pointer: string, message: string) => problems.push({ at: { pointer }, message });
  const file: HistoricalFile = { label: null, periodStart: null, periodEnd: null, measures: [], problems };
  if (!isObject(report)) {
    problem('', 'must be a report: an object with label, periodStart, periodEnd and themes');
    return file;
  }
  file.label = oneLine(report.label, '/label', HISTORY_LIMITS.label, problem, true) ?? null;
  for (const key of ['periodStart', 'periodEnd'] as const) {
    const value = report[key];
    if (isCalendarDate(value)) file[key] = value;
    else problem(`/${key}`, 'must be a real date written YYYY-MM-DD');
  }
  const title = oneLine(report.title, '/title', HISTORY_LIMITS.heading, problem, false);
  if (title) file.reportTitle = title;
  const yearHeading = oneLine(report.yearHeading, '/yearHeading', HISTORY_LIMITS.heading, problem, false);
  if (yearHeading) file.yearHeading = yearHeading;
  if (!Array.isArray(report.themes)) {
    problem('/themes', 'must be a list of themes, each with its measures');
    return file;
  }
  report.themes.forEach((theme, t) => {
    const at = `/themes/${t}`;
    if (!isObject(theme) || !Array.isArray(theme.measures)) {
      problem(at, 'must be a theme with a list of measures');
      return;
    }
    theme.measures.forEach((measure, m) => {
      const read = readMeasure(measure, `${at}/measures/${m}`, problem);
      if (read) file.measures.push(read);
    });
  });
  if (file.measures.length === 0 && problems.length === 0)
    problem('/themes', 'must hold at least one measure with its return');
  return file;
}

type Say = (pointer: string, message: string) => void;

function readMeasure(measure: unknown, at: string, problem: Say): HistoricalMeasure | null {
  if (!isObject(measure)) {
    problem(at, 'must be a measure: ref, rag, narrative, dot, comments');
    return null;
  }
  const ref = measure.ref;
  if (!isWellFormedId('measureRef', ref)) {
    problem(`${at}/ref`, 'must be a measure reference such as S1 or Sus4');
    return null;
  }
  const content: ReturnContent = {};
  const rag = measure.rag;
  if (RAGS.includes(rag as Rag)) content.rag = rag as Rag;
  else problem(`${at}/rag`, `must be one of ${RAGS.join(', ')}`);
  const narrative = text(measure.narrative, `${at}/narrative`, LIMITS.narrative, problem);
  if (narrative?.trim()) content.narrative = narrative;
  else if (narrative !== undefined) problem(`${at}/narrative`, 'must say what progress was made');
  const dot = measure.dot;
  if (dot !== undefined && dot !== null) {
    if (DIRECTIONS.includes(dot as DirectionOfTravel)) content.dot = dot as DirectionOfTravel;
    else problem(`${at}/dot`, `must be one of ${DIRECTIONS.join(', ')}, or null`);
  }
  if (measure.comments !== undefined && measure.comments !== null) {
    const comments = text(measure.comments, `${at}/comments`, LIMITS.comments, problem);
    if (comments) content.comments = comments;
  }
  const tables = readTables(measure.tables, `${at}/tables`, problem);
  if (tables.length > 0) content.tables = tables;
  return { ref, content, at: { pointer: `${at}/ref` } };
}

function readTables(value: unknown, at: string, problem: Say): ReturnTable[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problem(at, 'must be a list of tables');
    return [];
  }
  if (value.length > LIMITS.tables) problem(at, `must hold at most ${LIMITS.tables} tables`);
  return value.flatMap((table, i): ReturnTable[] => {
    const here = `${at}/${i}`;
    if (!isObject(table)) {
      problem(here, 'must be a table: caption, header and rows');
      return [];
    }
    const caption = text(table.caption ?? '', `${here}/caption`, 300, problem);
    const header = cells(table.header, `${here}/header`, problem);
    if (header && (header.length === 0 || header.length > LIMITS.columns))
      problem(`${here}/header`, `must name 1 to ${LIMITS.columns} columns`);
    if (!Array.isArray(table.rows)) {
      problem(`${here}/rows`, 'must be a list of rows');
      return [];
    }
    if (table.rows.length > LIMITS.rows) problem(`${here}/rows`, `must hold at most ${LIMITS.rows} rows`);
    const rows = table.rows.map((row, r) => {
      const read = cells(row, `${here}/rows/${r}`, problem);
      if (read && header && read.length > header.length)
        problem(`${here}/rows/${r}`, 'has more cells than the header');
      return read;
    });
    if (caption === undefined || !header || rows.some((r) => !r)) return [];
    return [{ caption, header, rows: rows as string[][] }];
  });
}

function cells(value: unknown, at: string, problem: Say): string[] | null {
  if (!Array.isArray(value)) {
    problem(at, 'must be a list of cells, each text');
    return null;
  }
  const read = value.map((cell, c) => text(cell, `${at}/${c}`, LIMITS.cell, problem));
  return read.every((c) => c !== undefined) ? (read as string[]) : null;
}

/** Text that can be stored and is within its limit; undefined (and a problem said) otherwise. */
function text(value: unknown, at: string, max: number, problem: Say): string | undefined {
  if (typeof value !== 'string') {
    problem(at, 'must be text');
    return undefined;
  }
  const fault = textFault(value);
  if (fault) {
    problem(at, TEXT_FAULT_MESSAGES[fault]);
    return undefined;
  }
  if (value.length > max) {
    problem(at, `must be at most ${max.toLocaleString('en-GB')} characters`);
    return undefined;
  }
  return value;
}

/** A label or heading: one line of words; `required` says whether leaving it out is a problem. */
function oneLine(value: unknown, at: string, max: number, problem: Say, required: boolean) {
  if (value === undefined || value === null) {
    if (required) problem(at, 'must be given');
    return undefined;
  }
  const read = text(value, at, max, problem);
  if (read === undefined) return undefined;
  if (!read.trim() || /[\r\n]/.test(read)) {
    problem(at, 'must be one line of words');
    return undefined;
  }
  return read.trim();
}
