import { EventsByPartnership1764000000500 } from './migrations/1764000000500-events-by-partnership.js';
import { EvidenceStorage1765090000100 } from './migrations/1765090000100-evidence-storage.js';
import { ReturnTexts1765092500000 } from './migrations/1765092500000-return-texts.js';
import { AppendixTexts1765210000000 } from './migrations/1765210000000-appendix-texts.js';
import { RetentionRuns1765250000100 } from './migrations/1765250000100-retention-runs.js';
import { MessageTexts1765260000000 } from './migrations/1765260000000-message-texts.js';
import { ReasonTexts1765260000100 } from './migrations/1765260000100-reason-texts.js';
import { CycleReasonTexts1765270000000 } from './migrations/1765270000000-cycle-reason-texts.js';
import { EvidenceReasonTexts1765270000100 } from './migrations/1765270000100-evidence-reason-texts.js';

/** The returns lib's migrations, in the order they were written; the apps compose every lib's list (apps/composition). */
export const RETURNS_MIGRATIONS = [
  EventsByPartnership1764000000500,
  EvidenceStorage1765090000100,
  ReturnTexts1765092500000,
  AppendixTexts1765210000000,
  RetentionRuns1765250000100,
  MessageTexts1765260000000,
  ReasonTexts1765260000100,
  CycleReasonTexts1765270000000,
  EvidenceReasonTexts1765270000100,
];
