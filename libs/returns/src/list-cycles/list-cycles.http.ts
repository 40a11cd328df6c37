import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EventStore } from '../../../event-store/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { CycleEvent, cycleStreamId } from '../cycle/cycle.events.js';
import { CycleState, evolveCycle, initialCycle } from '../cycle/cycle.state.js';
import { Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { PartnershipIndex } from '../partnership-index.js';

export interface CycleSummary {
  cycleId: string;
  version: number;
  status: string;
  planId: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  returns: number;
}

@ApiTags('cycles')
@Controller('cycles')
export class ListCyclesHttp {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
  ) {}

  @Get()
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: "Your partnership's cycles, newest first",
    description:
      'Newest means the latest period (then the latest drafted). Through a submission link, only its own cycle.',
  })
  @ApiOkResponse({ description: 'The cycles, each with its status and how many returns it asked for' })
  async list(@CurrentActor() actor: Actor): Promise<{ cycles: CycleSummary[] }> {
    const ids = (await this.index.cycleIds(actor.partnershipId)).filter(
      (id) => actor.cycleId === undefined || actor.cycleId === id,
    );
    const streams = await this.store.readStreams<CycleEvent>(ids.map(cycleStreamId));
    const cycles = ids.map((id, drafted) => {
      const events = streams.get(cycleStreamId(id)) ?? [];
      const state = events.reduce<CycleState>(
        (s, e) => evolveCycle(s, { type: e.type, data: e.data } as CycleEvent),
        initialCycle(),
      );
      return { state, version: events.at(-1)?.version ?? 0, drafted };
    });
    return {
      cycles: cycles
        .flatMap(({ state, version, drafted }) =>
          state.status === 'none' ? [] : [{ summary: summarise(state, version), drafted }],
        )
        .sort((a, b) => b.summary.periodStart.localeCompare(a.summary.periodStart) || b.drafted - a.drafted)
        .map(({ summary }) => summary),
    };
  }
}

function summarise(state: Exclude<CycleState, { status: 'none' }>, version: number): CycleSummary {
  const { cycleId, status, planId, label, periodStart, periodEnd, dueDate } = state;
  const returns = state.status === 'drafted' ? 0 : state.returns.length;
  return { cycleId, version, status, planId, label, periodStart, periodEnd, dueDate, returns };
}
