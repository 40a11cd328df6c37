import { CommandBus } from '@nestjs/cqrs';
import { LinksAdmin } from '../../../auth/src/index.js';
import { ChaseNowCommand } from '../../../chasing/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { PublishReportCommand } from '../../../reporting/src/index.js';
import {
  CloseCycleCommand,
  ExtendAgencyDeadlineCommand,
  SetReportHeadingsCommand,
} from '../../../returns/src/index.js';
import { dateInWords } from '../date-input/date-input.js';
import { FormFields } from '../form-fields.js';

export interface CycleActionContext {
  commands: CommandBus;
  links: LinksAdmin;
  envelope: CommandEnvelope;
  cycleId: string;
  form: FormFields;
}

/**
 * What the dashboard's buttons do, by the action in the form's address: each runs the command (or the links
 * service) the JSON API runs for the same thing, and says what happened.
 */
export const CYCLE_ACTIONS = new Map<string, (c: CycleActionContext) => Promise<string>>([
  [
    'close',
    async ({ commands, envelope, cycleId, form }) => {
      await commands.execute(
        new CloseCycleCommand(envelope, cycleId, form.force === 'yes', form.reason || undefined),
      );
      return 'Cycle closed: its links no longer work';
    },
  ],
  [
    'extend-agency',
    async ({ commands, envelope, cycleId, form }) => {
      await commands.execute(
        new ExtendAgencyDeadlineCommand(
          envelope,
          cycleId,
          form.agencyId ?? '',
          form.dueDate ?? '',
          form.reason ?? '',
        ),
      );
      return `Deadline extended to ${dateInWords(form.dueDate ?? '')}`;
    },
  ],
  [
    'publish',
    async ({ commands, envelope, cycleId, form }) => {
      await commands.execute(new PublishReportCommand(envelope, cycleId, form.lastUpdatedDates === 'yes'));
      return 'Report published: it is frozen as it stands now; later amendments go into the next publication';
    },
  ],
  [
    'report-headings',
    async ({ commands, envelope, cycleId, form }) => {
      // An empty field is the default, as null is in the API.
      await commands.execute(
        new SetReportHeadingsCommand(
          envelope,
          cycleId,
          form.reportTitle?.trim() || null,
          form.yearHeading?.trim() || null,
          form.introduction?.trim() || null,
        ),
      );
      return "The report's headings are saved; the next publication prints them";
    },
  ],
  [
    'chase',
    async ({ commands, envelope, cycleId, form }) => {
      await commands.execute(new ChaseNowCommand(envelope, cycleId, form.agencyId || null));
      return form.agencyId
        ? 'Chase sent to the agency'
        : 'Every agency with returns outstanding is being chased';
    },
  ],
  [
    'reissue-links',
    async ({ links, envelope, cycleId, form }) => {
      await links.reissue(
        cycleId,
        form.agencyId ?? '',
        form.reason ?? '',
        envelope.actor,
        envelope.correlationId,
      );
      return 'New link sent; the old one no longer works';
    },
  ],
  [
    'revoke-link',
    async ({ links, envelope, cycleId, form }) => {
      await links.revoke(
        cycleId,
        form.linkId ?? '',
        form.reason ?? '',
        envelope.actor,
        envelope.correlationId,
      );
      return 'The link is revoked: it no longer works, and anyone using it has been signed out';
    },
  ],
]);
