import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class CodeSentResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ enum: ['email', 'sms'] }) channel!: 'email' | 'sms';
  @ApiProperty({ example: 'a***@e***.com', description: 'Where it went, masked' }) sentTo!: string;
  @ApiProperty({ description: 'When the code stops working (10 minutes)' }) expiresAt!: string;
}

export class TwoFactorSetupResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ description: 'The TOTP secret, base32 (for typing into an app by hand)' }) secret!: string;
  @ApiProperty({
    example: 'otpauth://totp/Monay%20Wallet:alice%40example.com?secret=…&issuer=Monay%20Wallet',
  })
  otpauthUri!: string;
  @ApiProperty({ description: 'The otpauth URI as a QR code: a PNG data URL' }) qrCode!: string;
  @ApiProperty({ description: 'The same QR code as SVG markup' }) qrCodeSvg!: string;
}

export class RecoveryCodesResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ example: true }) enabled!: true;
  @ApiProperty({
    type: [String],
    description: '10 one-time recovery codes: shown now and never again, each good for one sign-in',
  })
  recoveryCodes!: string[];
}

export class MfaRequiredResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ example: true }) mfaRequired!: true;
  @ApiProperty({ description: 'For POST /api/auth/2fa/challenge, good for 5 minutes and one sign-in' })
  mfaToken!: string;
  @ApiProperty({ type: [String], example: ['totp', 'recovery_code'] }) methods!: string[];
  @ApiProperty() expiresAt!: string;
}

export class StepUpResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ description: 'Send as X-Step-Up-Token; good for this session for 5 minutes' })
  stepUpToken!: string;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({ example: 300 }) expiresIn!: number;
  @ApiProperty({ enum: ['totp', 'recovery_code', 'email_code', 'sms_code'] }) method!: string;
}

export class SessionItemDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Chrome on macOS' }) device!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) userAgent!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ description: 'The last request (to the minute) or refresh' }) lastUsedAt!: string;
  @ApiProperty({ description: 'The session this request was made with' }) current!: boolean;
}

export class SessionsResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: [SessionItemDto] }) sessions!: SessionItemDto[];
}

export class SecurityEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'new_device' }) kind!: string;
  @ApiProperty({ enum: ['success', 'failure'] }) outcome!: string;
  @ApiProperty() at!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) ip!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'Chrome on macOS' }) device!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export class SecurityEventsResponseDto {
  @ApiProperty({ example: true }) success!: true;
  @ApiProperty({ type: [SecurityEventDto] }) events!: SecurityEventDto[];
  @ApiPropertyOptional({ nullable: true, type: String }) nextCursor!: string | null;
}
