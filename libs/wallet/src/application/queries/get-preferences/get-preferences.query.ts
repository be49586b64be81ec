import { Query } from '@nestjs/cqrs';
import type { Preferences } from '../../commands/update-preferences/update-preferences.command';

export class GetPreferencesQuery extends Query<Preferences> {
  constructor(readonly userId: string) {
    super();
  }
}
