import type { Provider, Type } from '@nestjs/common';

export const MOVEMENT_PROVIDERS: Provider[] = [];
export const MOVEMENT_CONTROLLERS: Type[] = [];
