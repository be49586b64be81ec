import { registerDecorator, type ValidationOptions } from 'class-validator';
import { canonicalTimeZone } from '../kernel/time-zone';

/** An IANA time zone name the runtime knows ("Europe/Paris", "UTC"); offsets such as "+02:00" are refused. */
export function IsTimeZone(options?: ValidationOptions): PropertyDecorator {
  return (object: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isTimeZone',
      target: object.constructor,
      propertyName: propertyName as string,
      options: {
        message: `${String(propertyName)} must be an IANA time zone such as "Europe/Paris" or "UTC"`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && canonicalTimeZone(value) !== null,
      },
    });
  };
}
