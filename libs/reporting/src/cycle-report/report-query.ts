import { ApiPropertyOptional } from "@nestjs/swagger";
import { IsOptional, IsString, MaxLength } from "class-validator";

export class ReportQuery {
  @ApiPropertyOptional({
    description:
      "The report as it stood at this instant, replayed from the events",
    example: "2020-04-30T12:00:00Z",
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  asAt?: string;
}
