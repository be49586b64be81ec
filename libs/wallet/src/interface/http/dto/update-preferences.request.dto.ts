import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, ValidateIf } from 'class-validator';
import { IsCurrencyCode, IsTimeZone, PROVIDER_NAMES, type ProviderName } from '#monay/shared';

/** Optional, but not nullable: `@IsOptional()` would let `null` through to a NOT NULL column (a 500). */
const IfPresent = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

export class UpdatePreferencesRequestDto {
  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'] })
  @IfPresent()
  @IsCurrencyCode({ stablecoinOnly: true })
  preferredCurrency?: string;

  @ApiPropertyOptional() @IfPresent() @IsBoolean() autoBalance?: boolean;
  @ApiPropertyOptional({
    description:
      'Swap money arriving in another stablecoin to preferredCurrency (above AUTO_CONVERT_MIN_AMOUNT), once per arrival',
  })
  @IfPresent()
  @IsBoolean()
  autoConvert?: boolean;
  @ApiPropertyOptional() @IfPresent() @IsBoolean() smartRouting?: boolean;
  @ApiPropertyOptional() @IfPresent() @IsBoolean() instantNotifications?: boolean;

  @ApiPropertyOptional({
    enum: PROVIDER_NAMES,
    nullable: true,
    description: 'Deposits and withdrawals go to this provider first when it can serve them; null clears it',
  })
  @IsOptional()
  @IsIn(PROVIDER_NAMES)
  preferredProvider?: ProviderName | null;

  @ApiPropertyOptional({
    description: 'IANA time zone in which your days are counted (analytics); default UTC',
    example: 'Europe/Paris',
    maxLength: 64,
  })
  @IfPresent()
  @IsTimeZone()
  timezone?: string;
}
