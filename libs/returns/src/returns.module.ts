import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { PlanRepository } from '../../plan/src/plan.repository.js';
import { ApproveReturnHandler } from './approve-return/approve-return.handler.js';
import { CycleRepository } from './cycle/cycle.repository.js';
import { DraftCycleHandler } from './draft-cycle/draft-cycle.handler.js';
import { DraftCycleHttp } from './draft-cycle/draft-cycle.http.js';
import { GetCycleHttp } from './get-cycle/get-cycle.http.js';
import { GetReturnHttp } from './get-return/get-return.http.js';
import { OpenCycleHandler } from './open-cycle/open-cycle.handler.js';
import { OpenCycleHttp } from './open-cycle/open-cycle.http.js';
import { ReturnCommandsHttp } from './return/return-commands.http.js';
import { ReturnRepository } from './return/return.repository.js';
import { SaveReturnDraftHandler } from './save-return-draft/save-return-draft.handler.js';
import { SendReturnBackHandler } from './send-return-back/send-return-back.handler.js';
import { SubmitReturnHandler } from './submit-return/submit-return.handler.js';

@Module({
  imports: [CqrsModule],
  controllers: [DraftCycleHttp, OpenCycleHttp, GetCycleHttp, GetReturnHttp, ReturnCommandsHttp],
  providers: [
    PlanRepository,
    CycleRepository,
    ReturnRepository,
    DraftCycleHandler,
    OpenCycleHandler,
    SaveReturnDraftHandler,
    SubmitReturnHandler,
    ApproveReturnHandler,
    SendReturnBackHandler,
  ],
  exports: [CycleRepository, ReturnRepository, PlanRepository],
})
export class ReturnsModule {}
