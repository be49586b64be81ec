import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles, ApiErrorResponses } from '#monay/shared';
import { AuditQueries } from '../../application/audit/audit-queries';
import { InvalidSecurityRequestError } from '../../domain/identity.errors';
import { pageOf } from './account-security.controller';
import { AdminAuditQueryDto } from './dto/account-security.request.dto';

function timeOf(field: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  const year = at.getUTCFullYear();
  // PostgreSQL refuses year 0 and JavaScript's dates go far beyond its range: only plausible times get through.
  if (Number.isNaN(at.getTime()) || year < 1970 || year > 9999) {
    throw new InvalidSecurityRequestError(field, `${field} must be a valid time`);
  }
  return at;
}

/** The audit log for operators. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/audit')
export class AdminAuditController {
  constructor(private readonly audit: AuditQueries) {}

  @ApiErrorResponses(400, 401, 403)
  @Get()
  @ApiOperation({
    summary:
      'The audit log, newest first (cursor-paginated), filtered by actor, user, action, outcome and time',
    description:
      'Every security-relevant action with its request id, IP and user agent: sign-ins and failed sign-ins, 2FA ' +
      'changes, step-ups, password changes and resets, verifications, ended sessions, role grants, and every ' +
      'admin action (action `admin_action`, target the route). Append-only.',
  })
  async list(@Query() query: AdminAuditQueryDto) {
    const page = await this.audit.entries(
      {
        ...(query.actor && { actorUserId: query.actor }),
        ...(query.user && { subjectUserId: query.user }),
        ...(query.action && { actions: query.action.split(',') }),
        ...(query.outcome && { outcome: query.outcome }),
        ...(query.from && { from: timeOf('from', query.from) }),
        ...(query.to && { to: timeOf('to', query.to) }),
      },
      pageOf(query),
    );
    return { success: true, entries: page.items, nextCursor: page.nextCursor };
  }
}
