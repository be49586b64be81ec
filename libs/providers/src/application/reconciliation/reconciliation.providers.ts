import type { Provider, Type } from '@nestjs/common';

export const RECONCILIATION_PROVIDERS: Provider[] = [];
export const RECONCILIATION_CONTROLLERS: Type[] = [];
