import { Command } from '@nestjs/cqrs';

export interface Preferences {
  preferredCurrency: string;
  autoBalance: boolean;
  smartRouting: boolean;
  instantNotifications: boolean;
}

export class UpdatePreferencesCommand extends Command<Preferences> {
  constructor(
    readonly userId: string,
    readonly changes: Partial<Preferences>,
  ) {
    super();
  }
}
