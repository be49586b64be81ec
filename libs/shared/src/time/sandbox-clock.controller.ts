import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ApiErrorResponses } from '../http/api-error-responses';
import { Roles } from '../http/roles.decorator';
import { Clock } from './clock';
import { DueWork } from './due-work';

export class AdvanceClockRequestDto {
  @ApiPropertyOptional({ description: 'Days to move ahead', minimum: 0, maximum: 400 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(400)
  days?: number;

  @ApiPropertyOptional({ description: 'Hours to move ahead', minimum: 0, maximum: 10_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_000)
  hours?: number;

  @ApiPropertyOptional({ description: 'Minutes to move ahead', minimum: 0, maximum: 600_000 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(600_000)
  minutes?: number;
}

class ClockResponseDto {
  @ApiProperty() success!: true;
  @ApiProperty({ description: 'The sandbox clock now (ISO 8601)' }) now!: string;
  @ApiProperty({ description: 'How far it is ahead of the real clock, in milliseconds' }) offsetMs!: number;
}

/**
 * The sandbox clock (outside production only: the module does not register this controller in production). Advancing
 * it runs every due-work sweeper at the new time and says what each did.
 */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/sandbox/clock')
export class SandboxClockController {
  constructor(
    private readonly clock: Clock,
    private readonly dueWork: DueWork,
  ) {}

  @Get()
  @ApiOkResponse({ type: ClockResponseDto })
  now(): ClockResponseDto {
    return { success: true, now: this.clock.now().toISOString(), offsetMs: this.clock.offset() };
  }

  @Post('advance')
  @ApiErrorResponses(400)
  @HttpCode(200)
  async advance(@Body() body: AdvanceClockRequestDto) {
    const ms = (((body.days ?? 0) * 24 + (body.hours ?? 0)) * 60 + (body.minutes ?? 0)) * 60_000;
    const now = await this.clock.advance(ms);
    const ran = await this.dueWork.runAll();
    return { success: true, now: now.toISOString(), offsetMs: this.clock.offset(), ran };
  }
}
