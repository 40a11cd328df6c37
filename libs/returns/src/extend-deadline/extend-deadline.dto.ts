import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '../../../http/src/index.js';
import { ReasonDto } from '../return/reason.dto.js';

/** A later due date and why. Shared by the per-return and the per-agency extension. */
export class ExtendDeadlineDto extends ReasonDto {
  @ApiProperty({
    description: 'The new due date, YYYY-MM-DD; it must be after the current one (422 otherwise)',
    example: '2020-05-31',
    format: 'date',
  })
  @IsCalendarDate()
  dueDate: string;
}
