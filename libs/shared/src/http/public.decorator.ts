import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'monay:public';

/** The route needs no access token. Everything else does (a global guard in identity). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
