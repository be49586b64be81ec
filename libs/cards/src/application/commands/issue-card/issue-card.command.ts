import { Command } from '@nestjs/cqrs';
import type { CardView } from '../../card-view';
import type { LimitsPatch } from '../../card-lifecycle';
import type { FundingCurrency } from '../../../domain/card';

/** A Verified user asks for a virtual card (tier gate `virtual_cards`). */
export class IssueCardCommand extends Command<CardView> {
  constructor(
    readonly userId: string,
    readonly nickname: string,
    readonly fundingCurrency: FundingCurrency,
    readonly limits: LimitsPatch,
  ) {
    super();
  }
}
