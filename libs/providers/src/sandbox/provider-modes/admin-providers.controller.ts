import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, ApiErrorResponses } from '#monay/shared';
import { SandboxControl } from '../sandbox-control';
import type { SandboxSettings } from '../sandbox-settings';
import { SetProviderModeRequestDto } from './set-provider-mode.request.dto';

function toView(settings: SandboxSettings) {
  return {
    name: settings.name,
    mode: settings.mode,
    failureRate: settings.failureRate,
    addedLatencyMs: settings.addedLatencyMs,
    failAfterAcceptRate: settings.failAfterAcceptRate,
    late: settings.late,
    lateByMs: settings.lateByMs,
    updatedAt: settings.updatedAt.toISOString(),
  };
}

/** The sandbox providers' behaviour, switchable at run time (tests, demos, game days). */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@ApiErrorResponses(401, 403)
@Controller('admin/providers')
export class AdminProvidersController {
  constructor(private readonly control: SandboxControl) {}

  @ApiErrorResponses()
  @Get()
  @ApiOperation({ summary: "Every sandbox provider's mode, failure rates and added latency" })
  async list() {
    return { success: true, providers: (await this.control.list()).map(toView) };
  }

  @ApiErrorResponses(400, 404)
  @Put(':name/mode')
  @ApiOperation({
    summary:
      'Puts a sandbox provider in healthy, degraded, outage or timeout mode (omitted values take the mode defaults); ' +
      'in timeout mode, `late: true` makes the write land after the caller timed out and asked for its status',
  })
  async setMode(@Param('name') name: string, @Body() body: SetProviderModeRequestDto) {
    const settings = await this.control.set(name, {
      mode: body.mode,
      ...(body.failureRate !== undefined && { failureRate: body.failureRate }),
      ...(body.addedLatencyMs !== undefined && { addedLatencyMs: body.addedLatencyMs }),
      ...(body.failAfterAcceptRate !== undefined && { failAfterAcceptRate: body.failAfterAcceptRate }),
      ...(body.late !== undefined && { late: body.late }),
      ...(body.lateByMs !== undefined && { lateByMs: body.lateByMs }),
    });
    return { success: true, provider: toView(settings) };
  }
}
