import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

const SIX_DIGITS = /^\d{6}$/;
const SIX_DIGITS_MESSAGE = 'code must be the 6 digits we sent';

/** `{code}` (6 digits) or, for an emailed verification, the link's `token`. */
export class VerifyEmailRequestDto {
  @ApiPropertyOptional({ example: '493817', description: 'The 6-digit code from the email' })
  @IsOptional()
  @IsString()
  @Matches(SIX_DIGITS, { message: SIX_DIGITS_MESSAGE })
  code?: string;

  @ApiPropertyOptional({
    description: "The link token of the email (the app's verify-email link carries it)",
  })
  @IsOptional()
  @IsString()
  @MinLength(20)
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'token must be the token of the link we sent' })
  token?: string;
}

export class CodeRequestDto {
  @ApiProperty({ example: '493817', description: 'The 6-digit code we sent' })
  @IsString()
  @Matches(SIX_DIGITS, { message: SIX_DIGITS_MESSAGE })
  code!: string;
}

export class PhoneVerifyRequestDto {
  @ApiPropertyOptional({
    example: '+14155550100',
    description: "The number to verify (becomes the account's once verified); omitted: the account's number",
  })
  @IsOptional()
  @IsString()
  @Matches(/^\+?[0-9 ().-]{7,20}$/, { message: 'phone must be a phone number such as +14155550100' })
  phone?: string;
}

/** An authenticator code, or a recovery code (`xxxxx-xxxxx`). */
export class SecondFactorRequestDto {
  @ApiPropertyOptional({ example: '123456', description: 'The 6-digit code of the authenticator app' })
  @IsOptional()
  @IsString()
  @Matches(SIX_DIGITS, { message: 'code must be the 6 digits of the authenticator app' })
  code?: string;

  @ApiPropertyOptional({ example: 'abcde-fghjk', description: 'One of the recovery codes (each works once)' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/, { message: 'recoveryCode must look like abcde-fghjk' })
  recoveryCode?: string;
}

export class ConfirmTwoFactorRequestDto {
  @ApiProperty({ example: '123456', description: 'A code the authenticator app shows for the new secret' })
  @IsString()
  @Matches(SIX_DIGITS, { message: 'code must be the 6 digits of the authenticator app' })
  code!: string;
}

export class DisableTwoFactorRequestDto extends SecondFactorRequestDto {
  @ApiProperty({ description: 'The account password' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class MfaChallengeRequestDto extends SecondFactorRequestDto {
  @ApiProperty({ description: 'The mfaToken the sign-in answered' })
  @IsString()
  @MinLength(20)
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'mfaToken must be the token the sign-in returned' })
  mfaToken!: string;
}

export class StepUpCodeRequestDto {
  @ApiPropertyOptional({
    enum: ['email', 'sms'],
    description:
      'Where to send the code (a verified email or phone); default: the email if verified, else SMS',
  })
  @IsOptional()
  @IsIn(['email', 'sms'])
  channel?: 'email' | 'sms';
}

export class ChangePasswordRequestDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({}, { message: 'email must be a valid email address' })
  @MaxLength(254)
  email!: string;
}

export class PasswordResetDto extends PasswordResetRequestDto {
  @ApiProperty({ example: '493817', description: 'The 6-digit code from the email' })
  @IsString()
  @Matches(SIX_DIGITS, { message: SIX_DIGITS_MESSAGE })
  code!: string;

  @ApiProperty({ minLength: 10 })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}

export class AuditPageQueryDto {
  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{4,64}$/, { message: 'cursor must be a cursor returned as nextCursor' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class AdminAuditQueryDto extends AuditPageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Entries of this actor (who did it)' })
  @IsOptional()
  @IsUUID()
  actor?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Entries about this user (whose account)' })
  @IsOptional()
  @IsUUID()
  user?: string;

  @ApiPropertyOptional({ example: 'sign_in_failed', description: 'One action, or several comma-separated' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z0-9_]{1,40}(,[a-z0-9_]{1,40}){0,19}$/, {
    message: 'action must be action names such as sign_in_failed, comma-separated',
  })
  action?: string;

  @ApiPropertyOptional({ enum: ['success', 'failure'] })
  @IsOptional()
  @IsIn(['success', 'failure'])
  outcome?: 'success' | 'failure';

  @ApiPropertyOptional({ description: 'From this time on (ISO 8601)' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/, {
    message: 'from must be an ISO 8601 date or time',
  })
  from?: string;

  @ApiPropertyOptional({ description: 'Before this time (ISO 8601)' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?)?$/, {
    message: 'to must be an ISO 8601 date or time',
  })
  to?: string;
}
