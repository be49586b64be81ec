import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ApiErrorResponses } from '#monay/shared';
import { ContactBook } from '../../application/contacts/contact-book';
import {
  CreateContactRequestDto,
  DiscoverySettingRequestDto,
  FrequentContactsQueryDto,
  ImportContactsRequestDto,
  ListContactsQueryDto,
  UpdateContactRequestDto,
} from './dto/contact.request.dto';
import { LimitsRecipientLookups } from './recipient-lookup-limit';

@ApiTags('contacts')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('contacts')
export class ContactsController {
  constructor(private readonly book: ContactBook) {}

  @ApiErrorResponses(400)
  @Get()
  @ApiOperation({
    summary: 'Your contacts, newest first (cursor-paginated, filter by flag, search by name)',
  })
  async list(@CurrentUser() user: AuthUser, @Query() query: ListContactsQueryDto) {
    return {
      success: true,
      ...(await this.book.list(user.userId, {
        flag: query.flag,
        search: query.search,
        cursor: query.cursor,
        limit: query.limit ?? 20,
      })),
    };
  }

  @ApiErrorResponses(400, 404, 409, 422, 429)
  @Post()
  @LimitsRecipientLookups('unknown')
  @ApiOperation({
    summary: 'Save a Monay user or an external 0x address as a contact',
    description:
      'A user who does not exist, or who blocked you, is 404 RECIPIENT_NOT_FOUND (and counts as a recipient ' +
      'lookup, RECIPIENT_LOOKUP_LIMIT_PER_HOUR); one already saved is 409 CONTACT_EXISTS.',
  })
  async create(@CurrentUser() user: AuthUser, @Body() body: CreateContactRequestDto) {
    return { success: true, contact: await this.book.create(user.userId, body) };
  }

  @ApiErrorResponses(400)
  @Get('frequent')
  @ApiOperation({
    summary: 'The Monay users you paid most in the last 90 days, saved or not',
    description: 'Ranked by number of completed payments, then by their USD value; amounts per currency.',
  })
  async frequent(@CurrentUser() user: AuthUser, @Query() query: FrequentContactsQueryDto) {
    return { success: true, recipients: await this.book.frequent(user.userId, query.limit ?? 10) };
  }

  @ApiErrorResponses(400, 429)
  @Post('import')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Which address-book entries are Monay users who allow discovery (nothing is stored)',
    description:
      'Up to 1,000 entries a call. Phones are read as E.164 (national numbers with `defaultCountry`), emails ' +
      'lower-cased. Only users who turned discovery on (PUT /api/contacts/discovery) are matched, never one who ' +
      'blocked you. Each entry counts against CONTACT_DISCOVERY_DAILY_LIMIT per UTC day: past it, 429 ' +
      'DISCOVERY_QUOTA_EXCEEDED with Retry-After and nothing looked up. Save a match with POST /api/contacts.',
  })
  async import(@CurrentUser() user: AuthUser, @Body() body: ImportContactsRequestDto) {
    return {
      success: true,
      ...(await this.book.importBook(user.userId, body.entries, body.defaultCountry ?? 'US')),
    };
  }

  @Get('discovery')
  @ApiOperation({ summary: 'Whether others may find you from their address book' })
  async discovery(@CurrentUser() user: AuthUser) {
    return { success: true, ...(await this.book.discovery(user.userId)) };
  }

  @ApiErrorResponses(400)
  @Put('discovery')
  @ApiOperation({ summary: 'Turn address-book discovery on or off (off by default)' })
  async setDiscovery(@CurrentUser() user: AuthUser, @Body() body: DiscoverySettingRequestDto) {
    return { success: true, ...(await this.book.setDiscovery(user.userId, body.discoverable)) };
  }

  @ApiErrorResponses(404)
  @Get(':id')
  async get(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    return { success: true, contact: await this.book.get(user.userId, uuidOr404(id)) };
  }

  @ApiErrorResponses(400, 404)
  @Put(':id')
  @ApiOperation({ summary: 'Change a contact’s nickname or flags (blocking also withdraws trust)' })
  async update(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: UpdateContactRequestDto,
  ) {
    return { success: true, contact: await this.book.update(user.userId, uuidOr404(id), body) };
  }

  @ApiErrorResponses(404)
  @Delete(':id')
  @HttpCode(200)
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    await this.book.remove(user.userId, uuidOr404(id));
    return { success: true };
  }
}

/** A path id that is no uuid names no contact: 404, as another user's does (never a database error). */
function uuidOr404(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ? id
    : '00000000-0000-0000-0000-000000000000';
}
