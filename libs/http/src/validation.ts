import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

function flatten(errors: ValidationError[], parent = ''): { field: string; rule: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = parent
      ? /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** class-validator errors as problem+json: every field with the rule it broke. */
export function problemValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const list = flatten(errors);
      return new BadRequestException({
        type: 'https://partner-returns.dev/problems/validation',
        title: 'The request has invalid fields',
        status: 400,
        detail: list.map((e) => `${e.field}: ${e.message}`).join('; '),
        errors: list,
      });
    },
  });
}
