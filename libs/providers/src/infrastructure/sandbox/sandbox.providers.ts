import type { Provider, Type } from '@nestjs/common';

export const SANDBOX_PROVIDERS: Provider[] = [];
export const SANDBOX_CONTROLLERS: Type[] = [];
