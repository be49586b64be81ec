import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { IsCurrencyCode } from '#monay/shared';

export class UpdatePreferencesRequestDto {
  @ApiPropertyOptional({ enum: ['USDC', 'USDT', 'PYUSD', 'EURC'] })
  @IsOptional()
  @IsCurrencyCode({ stablecoinOnly: true })
  preferredCurrency?: string;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() autoBalance?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() smartRouting?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() instantNotifications?: boolean;
}
