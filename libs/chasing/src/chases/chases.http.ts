import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventStore } from '../../../event-store/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { asChaseEvents, ChaseEvent, chaseStreamId } from '../chase/chase.events.js';
import { CycleReturns } from '../cycle-returns.js';
import { mailKey } from '../../../mail/src/index.js';

interface RecipientView {
  email: string;
  role: string;
  state: 'pending' | 'claimed' | 'sent' | 'retrying' | 'failed';
  messageId: string | null;
  reason: string | null;
  responseCode: number | null;
  at: string | null;
}

/** Every chase of a cycle and what became of each mail: sent (with its message id) or failed (with why). */
@ApiTags('chasing')
@Controller('cycles/:cycleId')
export class ChasesHttp {
  constructor(
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  @Get('chases')
  @Roles(['coordinator'], 'Only a coordinator sees the chases')
  @ApiOperation({ summary: 'Chases sent, asked for and failed in a cycle (coordinator)' })
  async chases(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor) {
    const { cycle, returns } = await this.cycleReturns.load(cycleId);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, cycle.partnershipId, 'cycle', cycleId);
    const agencies = [...new Set(returns.map((r) => r.agencyId))].sort();
    const streams = await this.store.readStreams<ChaseEvent>(agencies.map((a) => chaseStreamId(cycleId, a)));
    const chases = [];
    for (const agencyId of agencies) {
      const events = asChaseEvents(streams.get(chaseStreamId(cycleId, agencyId)) ?? []);
      const mails = new Map<string, RecipientView>();
      const steps: {
        agencyId: string;
        step: string;
        kind: string;
        at: string;
        by: string;
        recipients: RecipientView[];
      }[] = [];
      const requested = new Map<string, { at: string; by: string }>();
      for (const e of events) {
        if (e.type === 'ChaseRequested')
          requested.set(`now-${e.version}`, { at: e.recordedAt.toISOString(), by: e.metadata.actorId });
        if (e.type === 'AgencyChased') {
          const recipients = e.data.recipients.map((r) => {
            const view: RecipientView = {
              email: r.email,
              role: r.role,
              state: 'pending',
              messageId: null,
              reason: null,
              responseCode: null,
              at: null,
            };
            mails.set(mailKey(e.data.step, r.email), view);
            return view;
          });
          const asked = requested.get(e.data.step);
          steps.push({
            agencyId,
            step: e.data.step,
            kind: e.data.kind,
            at: asked?.at ?? e.recordedAt.toISOString(),
            by: asked?.by ?? 'schedule',
            recipients,
          });
          requested.delete(e.data.step);
        }
        if (
          e.type === 'ReminderClaimed' ||
          e.type === 'ReminderSent' ||
          e.type === 'ReminderDeliveryFailed'
        ) {
          const view = mails.get(mailKey(e.data.key, e.data.recipient));
          if (!view) continue;
          view.at = e.recordedAt.toISOString();
          if (e.type === 'ReminderClaimed') view.state = 'claimed';
          if (e.type === 'ReminderSent')
            Object.assign(view, { state: 'sent', messageId: e.data.messageId, reason: null });
          if (e.type === 'ReminderDeliveryFailed') {
            Object.assign(view, {
              state: e.data.willRetry ? 'retrying' : 'failed',
              reason: e.data.reason,
              responseCode: e.data.responseCode,
            });
          }
        }
      }
      for (const [step, asked] of requested)
        steps.push({ agencyId, step, kind: 'now', ...asked, recipients: [] });
      chases.push(...steps);
    }
    chases.sort((a, b) => a.at.localeCompare(b.at) || a.agencyId.localeCompare(b.agencyId));
    return { cycleId, chases };
  }
}
