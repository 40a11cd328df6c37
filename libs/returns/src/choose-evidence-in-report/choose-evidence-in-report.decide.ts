import { Actor, DomainError } from '../../../kernel/src/index.js';
import { EvidenceEvent } from '../evidence/evidence.events.js';
import { EvidenceState } from '../evidence/evidence.state.js';

/** The coordinator says whether one file of a return is listed, by its title only, in the report. */
export interface ChooseEvidenceInReport {
  type: 'ChooseEvidenceInReport';
  actor: Actor;
  evidenceId: string;
  inReport: boolean;
  now: Date;
}

/**
 * The report is the coordinator's: only they choose what it lists. The file must be on the return now (a
 * removed one is gone from the state, so it cannot be chosen back into the report). Choosing what already
 * stands changes nothing, so no event: a form sent twice leaves one line in the history.
 */
export function decideEvidenceInReport(
  command: ChooseEvidenceInReport,
  state: EvidenceState,
): EvidenceEvent[] {
  if (command.actor.role !== 'coordinator') {
    throw new DomainError(
      'forbidden',
      'Only a coordinator chooses which files the report lists',
      'forbidden',
    );
  }
  const file = state.files.find((f) => f.evidenceId === command.evidenceId);
  if (!file) {
    throw new DomainError('evidence-not-found', 'No such file on this return', 'not-found', 'evidenceId');
  }
  if (file.inReport === command.inReport) return [];
  return [
    {
      type: 'EvidenceReportChoiceMade',
      data: {
        evidenceId: file.evidenceId,
        inReport: command.inReport,
        chosenAt: command.now.toISOString(),
      },
    },
  ];
}
