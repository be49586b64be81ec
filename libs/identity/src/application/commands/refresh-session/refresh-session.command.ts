import { Command } from '@nestjs/cqrs';
import type { TokenPair } from '../../../infrastructure/token-issuer';

export class RefreshSessionCommand extends Command<TokenPair> {
  constructor(readonly refreshToken: string) {
    super();
  }
}
