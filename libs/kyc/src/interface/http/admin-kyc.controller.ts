import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses, Roles } from '#monay/shared';
import { ReviewInquiryCommand } from '../../application/commands/review-inquiry/review-inquiry.command';
import { RevokeTierCommand } from '../../application/commands/revoke-tier/revoke-tier.command';
import { ListInquiriesQuery } from '../../application/queries/list-inquiries/list-inquiries.query';
import {
  KycInquiryNotFoundError,
  KycInvalidCursorError,
  KycUserNotFoundError,
} from '../../domain/kyc.errors';
import { ListInquiriesQueryDto, ReviewInquiryRequestDto, RevokeTierRequestDto } from './dto/kyc.request.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function cursorOf(cursor: string | undefined): { createdAt: Date; id: string } | null {
  if (cursor === undefined) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown];
    const createdAt = new Date(String(at));
    if (typeof id === 'string' && UUID.test(id) && !Number.isNaN(createdAt.getTime()))
      return { createdAt, id };
  } catch {
    // falls through to the refusal
  }
  throw new KycInvalidCursorError();
}

/** Reviewers' and operators' KYC routes. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/kyc')
export class AdminKycController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  @ApiErrorResponses(400, 401, 403)
  @Get('inquiries')
  @ApiOperation({
    summary: 'Verification inquiries, newest first (cursor-paginated), e.g. ?status=needs_review',
  })
  async list(@Query() query: ListInquiriesQueryDto) {
    const page = await this.queries.execute(
      new ListInquiriesQuery(query.status, query.limit ?? 50, cursorOf(query.cursor)),
    );
    return { success: true, ...page };
  }

  @ApiErrorResponses(400, 401, 403, 404, 409, 503)
  @Post('inquiries/:inquiryId/review')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A reviewer approves or declines an inquiry marked for review',
    description:
      'The decision goes to the vendor; an approval raises the user’s tier. 409 unless it is in review.',
  })
  async review(
    @Param('inquiryId') inquiryId: string,
    @Body() body: ReviewInquiryRequestDto,
    @CurrentUser() admin: AuthUser,
  ) {
    if (!UUID.test(inquiryId)) throw new KycInquiryNotFoundError();
    const inquiry = await this.commands.execute(
      new ReviewInquiryCommand(inquiryId, body.decision, body.reason ?? null, admin.userId),
    );
    return { success: true, inquiry };
  }

  @ApiErrorResponses(400, 401, 403, 404, 409)
  @Post(':userId/revoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Take a user’s tier back to Basic, with a reason',
    description: 'Limits and features fall to Basic at once; `KycTierChanged` (down) carries the reason.',
  })
  async revoke(
    @Param('userId') userId: string,
    @Body() body: RevokeTierRequestDto,
    @CurrentUser() admin: AuthUser,
  ) {
    if (!UUID.test(userId)) throw new KycUserNotFoundError();
    const revoked = await this.commands.execute(
      new RevokeTierCommand(userId, body.reason.trim(), admin.userId),
    );
    return { success: true, ...revoked };
  }
}
