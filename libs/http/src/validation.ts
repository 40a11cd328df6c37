import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { TEXT_FAULT_MESSAGES, textFault } from '../../kernel/src/index.js';
import { EACH_IS_OBJECT, isObject } from './fields.js';
import { inputProblem } from './hostile-input.js';

/** class-validator's rules of what kind a value is, as against what it says (its length, range or form). */
const KIND_RULES = new Set([
  'isString',
  'isNumber',
  'isInt',
  'isBoolean',
  'isArray',
  'isObject',
  'isDefined',
]);

function flatten(errors: ValidationError[], parent = ''): { field: string; rule: string; message: string }[] {
  return errors.flatMap((error) => {
    const field = parent
      ? /^\d+$/.test(error.property)
        ? `${parent}[${error.property}]`
        : `${parent}.${error.property}`
      : error.property;
    const given = Object.entries(error.constraints ?? {});
    // A value of the wrong kind breaks its length and range rules too, which then say nothing true of it
    // (`"narrative": 123` "must be shorter than 50000 characters"): its kind is the one thing wrong to say.
    // A field left out is answered as before: that it is required says more than what kind it should be. A null is
    // given, so it is of the wrong kind too (`"introduction": null` was told it "must be shorter than 5000").
    const present = error.value !== undefined;
    const wrongKind = present ? given.filter(([rule]) => KIND_RULES.has(rule)) : [];
    const own = (wrongKind.length > 0 ? wrongKind : given).flatMap(([rule, message]) =>
      rule === EACH_IS_OBJECT && Array.isArray(error.value)
        ? itemsThatAreNotObjects(error.value, field)
        : [{ field, rule, message }],
    );
    // An item that is not an object has no fields to report: the nested errors class-validator adds for it
    // ("must be either object or array", or none at all for a list) say less than the item's own.
    const notObjects = new Set(own.filter((e) => e.rule === 'isObject').map((e) => e.field));
    return [...own, ...flatten(error.children ?? [], field).filter((e) => !notObjects.has(e.field))];
  });
}

/** `caseStudies: [[]]` answered at caseStudies[0], the item itself. */
function itemsThatAreNotObjects(items: unknown[], field: string) {
  return items.flatMap((item, i) =>
    isObject(item)
      ? []
      : [{ field: `${field}[${i}]`, rule: 'isObject', message: `${field}[${i}] must be an object` }],
  );
}

/**
 * class-validator with problem+json errors, and one check of its own: a path parameter (`:cycleId`) holding
 * text no id can hold (a NUL from `%00`) is refused by name before a handler can look it up. Bodies and
 * queries get the same check earlier, in rejectHostileInput.
 */
class ProblemValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'param' && typeof value === 'string') {
      const fault = textFault(value);
      const field = metadata.data ?? 'path';
      if (fault)
        throw inputProblem([{ field, rule: fault, message: `${field} ${TEXT_FAULT_MESSAGES[fault]}` }]);
    }
    return super.transform(value, metadata);
  }
}

/** class-validator errors as problem+json: every field with the rule it broke. */
export function problemValidationPipe(): ValidationPipe {
  return new ProblemValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Values stay on the errors (never in the answer) so a list of objects can name the item that is not one.
    validationError: { target: false, value: true },
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
