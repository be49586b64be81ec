import type { Provider, Type } from '@nestjs/common';
import { SwapQuoteRepository } from './swap-quote.repository';
import { SwapController } from './execute-swap/execute-swap.controller';
import { ExecuteSwapHandler } from './execute-swap/execute-swap.handler';
import { QuoteSwapHandler } from './quote-swap/quote-swap.handler';
import { GetSwapHandler } from './get-swap/get-swap.handler';
import { SwapLedger } from './swap-ledger';
import { SwapQuoter } from './swap-quoter';
import { SwapPolicy } from './swap.policy';

/** Swaps between stablecoins: quotes, the swap movement policy and its booking, the routes. */
export const SWAP_PROVIDERS: Provider[] = [
  SwapQuoteRepository,
  SwapQuoter,
  SwapLedger,
  SwapPolicy,
  QuoteSwapHandler,
  ExecuteSwapHandler,
  GetSwapHandler,
];
export const SWAP_CONTROLLERS: Type[] = [SwapController];
