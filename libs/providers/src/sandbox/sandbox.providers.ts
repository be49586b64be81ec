import type { Provider, Type } from '@nestjs/common';
import { STABLECOIN_PROVIDERS } from '../domain/stablecoin-provider.port';
import { AdminProvidersController } from './set-provider-mode/admin-providers.controller';
import { ProviderWalletsController } from '../provider-wallets/list-provider-wallets/provider-wallets.controller';
import { CreateProviderWalletsProcessor } from '../provider-wallets/create-provider-wallets.processor';
import { ProviderWalletRepository } from '../provider-wallets/provider-wallet.repository';
import { ProviderWallets } from '../provider-wallets/provider-wallets';
import { CircleSandbox } from './circle-sandbox';
import { MonaySandbox } from './monay-sandbox';
import { SandboxControl } from './sandbox-control';
import { SandboxRandom } from './sandbox-random';
import { SandboxRuntime } from './sandbox-runtime';
import { SandboxWebhooks } from './sandbox-webhooks';
import { SandboxRepository } from './sandbox.repository';
import { TempoSandbox } from './tempo-sandbox';
import { WebhookTarget } from './webhook-target';

export const SANDBOX_PROVIDERS: Provider[] = [
  SandboxRepository,
  SandboxRandom,
  SandboxControl,
  WebhookTarget,
  SandboxWebhooks,
  SandboxRuntime,
  TempoSandbox,
  CircleSandbox,
  MonaySandbox,
  // The router's candidates, in the default priority.
  {
    provide: STABLECOIN_PROVIDERS,
    useFactory: (tempo: TempoSandbox, circle: CircleSandbox, monay: MonaySandbox) => [tempo, circle, monay],
    inject: [TempoSandbox, CircleSandbox, MonaySandbox],
  },
  ProviderWalletRepository,
  ProviderWallets,
  CreateProviderWalletsProcessor,
];
export const SANDBOX_CONTROLLERS: Type[] = [AdminProvidersController, ProviderWalletsController];
