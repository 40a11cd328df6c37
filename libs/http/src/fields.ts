import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsDefined,
  isObject as isObjectOrList,
  registerDecorator,
  ValidateIf,
  ValidateNested,
  ValidationArguments,
} from 'class-validator';
import { CALENDAR_YEARS, isCalendarDate } from '../../kernel/src/index.js';

/**
 * Field decorators for command bodies, so every DTO says the same thing the same way. Use them instead of
 * class-validator's IsOptional (lint refuses it): IsOptional lets null through every other rule, which is how
 * `"cycleId": null` once became stream `cycle:null`.
 */

/** May be left out. Null is refused like any other wrong value, unless the field says `nullable`. */
export function Optional(options: { nullable?: boolean } = {}): PropertyDecorator {
  const skip = (value: unknown) => value === undefined || (options.nullable === true && value === null);
  return applyDecorators(
    ValidateIf((_object, value) => !skip(value)),
    ...(options.nullable
      ? []
      : [
          IsDefined({
            message: ({ property }: ValidationArguments) => `${property} may be left out, but not null`,
          }),
        ]),
  );
}

type Class = new (...args: never[]) => object;

/** A JSON object: not null, not a list. */
export function isObject(value: unknown): boolean {
  return isObjectOrList(value) && !Array.isArray(value);
}

/** One nested object of `type`, validated whole: a list, text or null where the object belongs is refused. */
export function NestedObject(type: () => Class): PropertyDecorator {
  return applyDecorators(
    fieldRule('isObject', isObject, (property) => `${property} must be an object`),
    ValidateNested(),
    Type(type),
  );
}

/** The rule NestedObjects breaks when an item is not an object; the pipe reports it at each such item. */
export const EACH_IS_OBJECT = 'eachIsObject';

/** A list of objects of `type`: `[[]]` or `[null]` is refused at the item, e.g. caseStudies[0]. */
export function NestedObjects(type: () => Class): PropertyDecorator {
  return applyDecorators(
    IsArray(),
    fieldRule(
      EACH_IS_OBJECT,
      (value) => !Array.isArray(value) || value.every(isObject),
      (property) => `each of ${property} must be an object`,
    ),
    ValidateNested({ each: true }),
    Type(type),
  );
}

/** A real date written YYYY-MM-DD in the years the product deals in (see CALENDAR_YEARS). */
export function IsCalendarDate(): PropertyDecorator {
  return fieldRule(
    'isCalendarDate',
    isCalendarDate,
    (property) =>
      `${property} must be a real date written YYYY-MM-DD, in the years ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last}`,
  );
}

function fieldRule(
  name: string,
  validate: (value: unknown) => boolean,
  message: (property: string) => string,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      validator: { validate, defaultMessage: ({ property }: ValidationArguments) => message(property) },
    });
}
