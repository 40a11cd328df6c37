import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { CycleSummary, ListCycles } from './list-cycles.query.js';

@ApiTags('cycles')
@Controller('cycles')
export class ListCyclesHttp {
  constructor(@Inject(ListCycles) private readonly query: ListCycles) {}

  @Get()
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: "Your partnership's cycles, newest first",
    description:
      'Newest means the latest period (then the latest drafted). Through a submission link, only its own cycle.',
  })
  @ApiOkResponse({ description: 'The cycles, each with its status and how many returns it asked for' })
  async list(@CurrentActor() actor: Actor): Promise<{ cycles: CycleSummary[] }> {
    return this.query.list(actor);
  }
}
