import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { ProviderWallets } from '../provider-wallets';
import { ApiErrorResponses } from '#monay/shared';

@ApiTags('providers')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('providers/wallets')
export class ProviderWalletsController {
  constructor(private readonly wallets: ProviderWallets) {}

  @ApiErrorResponses()
  @Get()
  @ApiOperation({
    summary: "The caller's wallets at the stablecoin providers (Tempo primary, Circle backup)",
  })
  async list(@CurrentUser() user: AuthUser) {
    return { success: true, wallets: await this.wallets.list(user.userId) };
  }
}
