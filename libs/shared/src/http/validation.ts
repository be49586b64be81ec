import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
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

/**
 * Deepest nesting of objects and arrays a request may send. class-transformer recurses once per level: a
 * 10 kB body of nested arrays (well under the size limit) would overflow the stack, a 500 on bad input.
 */
const MAX_REQUEST_DEPTH = 32;

/** A UTF-16 surrogate without its pair: JSON can spell one (`"\ud800"`), Unicode text cannot contain it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What makes a request unfit for validation at all, or null: nesting deeper than {@link MAX_REQUEST_DEPTH};
 * text that is not valid Unicode (validator's isEmail throws a URIError on it, and PostgreSQL would store it
 * mangled); a NUL character, which no PostgreSQL text column can hold. Iterative, so it cannot overflow itself.
 */
function unfitForValidation(value: unknown): string | null {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (typeof current === 'string') {
      if (LONE_SURROGATE.test(current)) return 'The request contains text that is not valid Unicode';
      if (current.includes('\u0000')) return 'The request contains a NUL character';
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth > MAX_REQUEST_DEPTH) {
      return `The request nests objects or arrays more than ${MAX_REQUEST_DEPTH} levels deep`;
    }
    for (const [key, child] of Object.entries(current)) stack.push([key, depth], [child, depth + 1]);
  }
  return null;
}

class BoundedValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const problem = unfitForValidation(value);
    if (problem) throw new BadRequestException({ code: ErrorCode.VALIDATION_FAILED, message: problem });
    return super.transform(value, metadata);
  }
}

/** Whitelisting validation: unknown fields are refused, every problem is named by its field. */
export function createValidationPipe(): ValidationPipe {
  return new BoundedValidationPipe({
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
