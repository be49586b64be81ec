import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, type AuthUser } from '#monay/identity';
import { parseAmountInput } from '#monay/kernel';
import { ApiErrorResponses } from '#monay/shared';
import { BankAccounts } from './bank-accounts';
import {
  AddBankAccountRequestDto,
  LinkInstantRequestDto,
  VerifyMicroDepositsRequestDto,
} from './bank-accounts.request.dto';

/** The user's linked bank accounts (Verified tier: `bank_transfers`). */
@ApiTags('bank-accounts')
@ApiBearerAuth()
@ApiErrorResponses(401)
@Controller('bank-accounts')
export class BankAccountsController {
  constructor(private readonly accounts: BankAccounts) {}

  @Get('institutions')
  @ApiOperation({ summary: 'Institutions that support instant verification (the sandbox’s)' })
  institutions() {
    return { success: true, institutions: this.accounts.institutions() };
  }

  @Post('link/instant')
  @ApiErrorResponses(400, 403, 404, 409, 422)
  @ApiOperation({
    summary: 'Link an account by signing in to the bank (instant verification)',
    description:
      'Without `accountId`: 200 with the login’s accounts (masked) to pick from; nothing is linked. With it: the ' +
      'holder is matched against your verified email and phone (scores 0–100, 70 matches): 201 `verified`, 201 ' +
      '`needs_review` when some fields differ (not usable until reviewed), 422 BANK_ACCOUNT_OWNERSHIP_MISMATCH when ' +
      'none match. 403 KYC_TIER_REQUIRED below Verified.',
  })
  async linkInstant(
    @CurrentUser() user: AuthUser,
    @Body() body: LinkInstantRequestDto,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.accounts.linkInstant(user.userId, body);
    response.status(result.status);
    return result.body;
  }

  @Post()
  @ApiErrorResponses(400, 403, 409)
  @ApiOperation({
    summary: 'Add an account by its numbers (verified by micro-deposits)',
    description:
      'The routing number must pass the ABA checksum (400 INVALID_ROUTING_NUMBER); the account number is stored ' +
      'encrypted and only its last 4 digits are shown. Two deposits under 0.10 USD are sent and arrive on the next ' +
      'business day (`microDeposits.availableAt`); then POST /api/bank-accounts/{id}/verify.',
  })
  async add(@CurrentUser() user: AuthUser, @Body() body: AddBankAccountRequestDto) {
    return { success: true, bankAccount: await this.accounts.addManual(user.userId, body) };
  }

  @Get()
  @ApiOperation({ summary: 'Your linked bank accounts (removed ones are not listed)' })
  async list(@CurrentUser() user: AuthUser) {
    return { success: true, bankAccounts: await this.accounts.list(user.userId) };
  }

  @Post(':id/verify')
  @HttpCode(200)
  @ApiErrorResponses(400, 404, 409, 422)
  @ApiOperation({
    summary: 'Verify an account with its two micro-deposit amounts',
    description:
      '409 MICRO_DEPOSITS_NOT_ARRIVED before they arrive; 422 MICRO_DEPOSIT_AMOUNTS_WRONG with `attemptsLeft`; the ' +
      'third wrong attempt answers 200 with status `verification_failed` (the account can no longer be used).',
  })
  async verify(
    @CurrentUser() user: AuthUser,
    @Param('id') id: string,
    @Body() body: VerifyMicroDepositsRequestDto,
  ) {
    const amount1 = parseAmountInput(body.amount1, 'USD', { field: 'amount1' });
    const amount2 = parseAmountInput(body.amount2, 'USD', { field: 'amount2' });
    return { success: true, bankAccount: await this.accounts.verify(user.userId, id, amount1, amount2) };
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiErrorResponses(404, 409)
  @ApiOperation({ summary: 'Remove a bank account (409 while a transfer through it is pending)' })
  async remove(@CurrentUser() user: AuthUser, @Param('id') id: string) {
    await this.accounts.remove(user.userId, id);
    return { success: true };
  }
}
