import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  PayloadTooLargeException,
  Post,
  UnsupportedMediaTypeException,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { acceptMultipartOn, ApiErrorResponses, AppConfig } from '#monay/shared';
import { StartVerificationCommand } from '../../application/commands/start-verification/start-verification.command';
import { UploadDocumentCommand } from '../../application/commands/upload-document/upload-document.command';
import { GetKycStatusQuery } from '../../application/queries/get-kyc-status/get-kyc-status.query';
import { sniffDocumentFormat } from '../../domain/document-file';
import { KycDocumentInvalidError } from '../../domain/kyc.errors';
import { takesSide } from '../../domain/kyc-requirements';
import { StartKycRequestDto, UploadKycDocumentRequestDto } from './dto/kyc.request.dto';

acceptMultipartOn('/api/user/kyc/documents');

interface UploadedDocumentFile {
  originalname: string;
  size: number;
  buffer: Buffer;
}

/** The user's verification: start it, see where it stands, send documents. */
@ApiTags('kyc')
@ApiBearerAuth()
@Controller('user/kyc')
export class KycController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  @ApiErrorResponses(400, 401, 409, 503)
  @Post('start')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start (or resume) verification for a tier',
    description:
      'Creates the inquiry at the verification vendor (or resumes the open one for that tier: idempotent per user ' +
      'and target tier) and says what is still needed. 409 KYC_TIER_ALREADY_HELD when the user already has it, ' +
      '409 KYC_CONTACT_NOT_VERIFIED until the email and phone are verified.',
  })
  async start(@CurrentUser() user: AuthUser, @Body() body: StartKycRequestDto) {
    const inquiry = await this.commands.execute(
      new StartVerificationCommand(user.userId, body.targetTier, {
        firstName: body.firstName.trim(),
        lastName: body.lastName.trim(),
        dateOfBirth: body.dateOfBirth,
        address: {
          line1: body.address.line1.trim(),
          city: body.address.city.trim(),
          postalCode: body.address.postalCode.trim(),
          country: body.address.country.toUpperCase(),
        },
      }),
    );
    return { success: true, inquiry };
  }

  @ApiErrorResponses(401)
  @Get('status')
  @ApiOperation({
    summary: 'The user’s tier, verification and what each next tier unlocks',
    description: 'Rejection reasons are the ones the user may see; reviewers’ notes are never shown.',
  })
  async status(@CurrentUser() user: AuthUser) {
    return { success: true, ...(await this.queries.execute(new GetKycStatusQuery(user.userId))) };
  }

  @ApiErrorResponses(400, 401, 409, 413, 415, 422, 503)
  @Post('documents')
  @HttpCode(201)
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadKycDocumentRequestDto })
  // Limits: KycModule's MulterModule (KYC_DOCUMENT_MAX_BYTES).
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Send a document for the open verification (multipart: type, side, file)',
    description:
      'JPEG, PNG or PDF by its bytes (415 otherwise), at most KYC_DOCUMENT_MAX_BYTES (413). Stored encrypted and ' +
      'passed to the vendor; never served back (only its type, status and upload time).',
  })
  async upload(
    @CurrentUser() user: AuthUser,
    @Body() body: UploadKycDocumentRequestDto,
    @UploadedFile() file: UploadedDocumentFile | undefined,
  ) {
    if (!file) throw new KycDocumentInvalidError('a file is required (multipart field "file")');
    if (takesSide(body.type) !== (body.side !== undefined)) {
      throw new KycDocumentInvalidError(
        takesSide(body.type)
          ? 'side (front or back) is required for a government_id'
          : `a ${body.type} has no side`,
      );
    }
    if (file.size > this.config.kyc.documentMaxBytes) {
      throw new PayloadTooLargeException(
        `A document may be at most ${this.config.kyc.documentMaxBytes} bytes`,
      );
    }
    const format = sniffDocumentFormat(file.buffer);
    if (!format) throw new UnsupportedMediaTypeException('A document must be a JPEG, PNG or PDF file');
    const result = await this.commands.execute(
      new UploadDocumentCommand(user.userId, body.type, body.side ?? null, {
        bytes: file.buffer,
        name: file.originalname.slice(0, 255),
        format,
      }),
    );
    return { success: true, ...result };
  }
}
