import type { Provider, Type } from '@nestjs/common';

export const SWAP_PROVIDERS: Provider[] = [];
export const SWAP_CONTROLLERS: Type[] = [];
