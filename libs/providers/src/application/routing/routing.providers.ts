import type { Provider, Type } from '@nestjs/common';

export const ROUTING_PROVIDERS: Provider[] = [];
export const ROUTING_CONTROLLERS: Type[] = [];
