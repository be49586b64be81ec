import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorCode } from '../kernel/domain-error';

interface FieldProblem {
  field: string;
  problems: string[];
}

function flatten(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Whitelisting validation: unknown fields are refused, every problem is named by its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      const first = fields[0];
      return new BadRequestException({
        code: ErrorCode.VALIDATION_FAILED,
        message: first ? `${first.field}: ${first.problems[0]}` : 'The request is invalid',
        details: { fields },
      });
    },
  });
}
