import { Controller, Get, Inject, Param, Query } from "@nestjs/common";
import { ApiOkResponse, ApiOperation, ApiTags } from "@nestjs/swagger";
import { DataSource } from "typeorm";
import { Clock } from "../../../config/src/index.js";
import { EventStore } from "../../../event-store/src/index.js";
import { CurrentActor, parseAsAt } from "../../../http/src/index.js";
import { PlanRepository } from "../../../plan/src/plan.repository.js";
import { CycleRepository } from "../../../returns/src/cycle/cycle.repository.js";
import {
  Actor,
  DomainError,
  samePartnershipOr404,
} from "../../../returns/src/domain-error.js";
import {
  buildCycleReport,
  CycleReport,
  restrictToAgency,
} from "./cycle-report.js";
import { reportInputFromEvents } from "./report-input.from-events.js";
import { reportInputFromReadModel } from "./report-input.from-read-model.js";
import { ReportQuery } from "./report-query.js";

@ApiTags("reports")
@Controller("cycles")
export class CycleReportHttp {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get(":cycleId/report")
  @ApiOperation({
    summary: "The monitoring report of a cycle, in the seed report’s structure",
    description:
      "Now (from the reporting read model), or as it stood at `asAt` (replayed from the events). Agency leads " +
      "see only their agency’s measures.",
  })
  @ApiOkResponse({ description: "The report" })
  async report(
    @Param("cycleId") cycleId: string,
    @Query() query: ReportQuery,
    @CurrentActor() actor: Actor,
  ): Promise<CycleReport> {
    const asAt = parseAsAt(query.asAt, this.clock.now()) ?? null;
    const { state: cycle } = await this.cycles.load(cycleId, asAt ?? undefined);
    if (cycle.status === "none")
      throw new DomainError("cycle-not-found", `No cycle ${cycleId}`, 404);
    samePartnershipOr404(actor, cycle.partnershipId, "cycle", cycleId);
    const input = asAt
      ? await reportInputFromEvents(
          this.store,
          this.plans,
          this.dataSource,
          cycle,
          asAt,
        )
      : await reportInputFromReadModel(this.plans, this.dataSource, cycle);
    const report = buildCycleReport(input);
    return actor.role === "agency-lead"
      ? restrictToAgency(report, actor.agencyId ?? "")
      : report;
  }
}
