import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { ApiErrorResponses } from '#monay/shared';
import { QrCodes } from '../../application/qr/qr-codes';
import { ReceiveQrQueryDto, ScanQrRequestDto } from './dto/payment-request.request.dto';
import { LimitsRecipientLookups } from './recipient-lookup-limit';

@ApiTags('qr codes')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('qr-code')
export class QrCodeController {
  constructor(private readonly codes: QrCodes) {}

  @ApiErrorResponses(400)
  @Get('receive')
  @ApiOperation({
    summary: 'Your receive code: a signed monay: URI (optional amount, currency, note) as data and image',
    description: '`payload` is what the QR code holds; `image.png` a data URL, `image.svg` SVG text.',
  })
  async receive(@CurrentUser() user: AuthUser, @Query() query: ReceiveQrQueryDto) {
    const currency = (query.currency ?? 'USDC') as CurrencyCode;
    const amount =
      query.amount === undefined ? null : parseAmountInput(query.amount, currency, { field: 'amount' });
    return {
      success: true,
      ...(await this.codes.receive(user.userId, { amount, currency, note: query.note ?? null })),
    };
  }

  @ApiErrorResponses(400, 404)
  @Post('scan')
  @HttpCode(200)
  @LimitsRecipientLookups('every')
  @ApiOperation({
    summary: 'What paying a scanned code would do, moving nothing',
    description:
      'Reads a monay: receive code, a payment-request link or an EIP-681 URI and answers the masked recipient, ' +
      'amount, currency, fee, whether a step-up would be needed and the route to pay it. 400 QR_SIGNATURE_INVALID ' +
      '(an altered code), QR_EXPIRED (a request past its expiry), QR_REQUEST_UNAVAILABLE (paid, declined, ' +
      'cancelled or unknown), QR_FORMAT_UNKNOWN (anything else). Counts as a recipient lookup.',
  })
  async scan(@CurrentUser() user: AuthUser, @Body() body: ScanQrRequestDto) {
    return { success: true, ...(await this.codes.scan(user.userId, body.payload)) };
  }
}
