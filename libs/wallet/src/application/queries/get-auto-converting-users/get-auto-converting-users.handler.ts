import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WalletRepository } from '../../../infrastructure/wallet.repository';
import { GetAutoConvertingUsersQuery } from './get-auto-converting-users.query';

@QueryHandler(GetAutoConvertingUsersQuery)
export class GetAutoConvertingUsersHandler implements IQueryHandler<GetAutoConvertingUsersQuery> {
  constructor(private readonly wallets: WalletRepository) {}

  execute({ userIds }: GetAutoConvertingUsersQuery): Promise<Map<string, string>> {
    return this.wallets.autoConverting(userIds);
  }
}
