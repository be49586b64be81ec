import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsMoneyAmount } from '#monay/shared';

export class LinkInstantRequestDto {
  @ApiProperty({ example: 'ins_1', description: 'The institution (GET /api/bank-accounts/institutions)' })
  @IsString()
  @Matches(/^ins_[0-9a-z]{1,32}$/)
  institutionId!: string;

  @ApiProperty({
    example: 'user_good',
    description: 'The bank login (sandbox: user_good, user_partial, user_mismatch)',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  username!: string;

  @ApiProperty({ example: 'pass_good' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;

  @ApiPropertyOptional({
    description:
      'The account picked from the first answer; without it, the accounts are listed and nothing is linked',
  })
  @IsOptional()
  @IsString()
  @Matches(/^acc-[a-z]+-[0-9a-f]{16}$/, { message: 'accountId is not an account of this login' })
  accountId?: string;
}

export class AddBankAccountRequestDto {
  @ApiProperty({ example: '011401533', description: 'ABA routing number (9 digits, checksum)' })
  @IsString()
  routingNumber!: string;

  @ApiProperty({
    example: '1111222233',
    description: '4 to 17 digits; stored encrypted, only the last 4 are shown',
  })
  @IsString()
  @Matches(/^[0-9]{4,17}$/, { message: 'accountNumber must be 4 to 17 digits' })
  accountNumber!: string;

  @ApiProperty({ enum: ['checking', 'savings'] })
  @IsIn(['checking', 'savings'])
  type!: 'checking' | 'savings';

  @ApiProperty({ example: 'Ada Lovelace' })
  @IsString()
  @MinLength(1)
  @MaxLength(80)
  @Matches(/^[\p{L}\p{N} .,'&-]+$/u, { message: 'holderName has characters a bank would refuse' })
  holderName!: string;
}

export class VerifyMicroDepositsRequestDto {
  @ApiProperty({ example: '0.03', description: 'The first micro-deposit, in USD (under 0.10)' })
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  amount1!: string | number;

  @ApiProperty({ example: '0.07', description: 'The second micro-deposit, in USD (under 0.10)' })
  @IsMoneyAmount({ defaultCurrency: 'USD' })
  amount2!: string | number;
}
