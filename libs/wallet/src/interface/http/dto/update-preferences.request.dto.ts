import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';
import { IsCurrencyCode, PROVIDER_NAMES, type ProviderName } from '#monay/shared';

export class UpdatePreferencesRequestDto {
  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'] })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  preferredCurrency?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() autoBalance?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() smartRouting?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() instantNotifications?: boolean;

  @ApiPropertyOptional({
    enum: PROVIDER_NAMES,
    nullable: true,
    description: 'Deposits and withdrawals go to this provider first when it can serve them; null clears it',
  })
  @IsOptional()
  @IsIn(PROVIDER_NAMES)
  preferredProvider?: ProviderName | null;
}
