import Ajv2020, { ErrorObject } from 'ajv/dist/2020';
import { didYouMean } from './did-you-mean.js';
import schema from './plan-file.schema.json';

export type PlanPath = (string | number)[];

/** A problem with the shape of a plan file, at a path into its data. */
export interface ShapeProblem {
  path: PlanPath;
  message: string;
}

// Every key of the format is in the schema, and every object in it refuses other keys: a misspelt "rol" under
// a contact is an error, never silently a lead. The schema is the format's documentation too (README).
const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true });
// The rule a pattern stands for, in words, for the problem a coordinator reads.
ajv.addKeyword({ keyword: 'x-rule', schemaType: 'string' });
const validate = ajv.compile(schema);

/** Every way `data` (a plan file as read from YAML) departs from plan-file.schema.json, with its path. */
export function planFileShapeProblems(data: unknown): ShapeProblem[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((error) => problemOf(error, data));
}

function problemOf(error: ErrorObject, data: unknown): ShapeProblem {
  const path = pathOf(error.instancePath, data);
  const rule = (error.parentSchema as { 'x-rule'?: string } | undefined)?.['x-rule'];
  switch (error.keyword) {
    case 'required':
      return {
        path: [...path, (error.params as { missingProperty: string }).missingProperty],
        message: 'is required',
      };
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys((error.parentSchema as { properties?: object }).properties ?? {});
      const near = didYouMean(key, known);
      const what = path.length === 0 ? 'is not a plan file section' : 'is not a key here';
      return {
        path: [...path, key],
        message: near ? `${what}: did you mean "${near}"?` : `${what} (known: ${known.join(', ')})`,
      };
    }
    case 'type': {
      const type = (error.params as { type: string }).type;
      const message =
        type === 'string'
          ? error.data === null || error.data === ''
            ? 'must be non-empty text'
            : 'must be text'
          : type === 'array'
            ? 'must be a list'
            : type === 'object'
              ? 'must be a mapping'
              : type === 'number'
                ? 'must be a number'
                : `must be ${type}`;
      return { path, message };
    }
    case 'pattern':
      return {
        path,
        message: `must be ${rule ?? `text matching ${(error.params as { pattern: string }).pattern}`}`,
      };
    case 'maxLength':
      return { path, message: `must be at most ${(error.params as { limit: number }).limit} characters` };
    case 'minimum':
    case 'maximum':
      return {
        path,
        message: `must be ${error.keyword === 'minimum' ? 'at least' : 'at most'} ${(error.params as { limit: number }).limit.toLocaleString('en-GB')}`,
      };
    case 'minProperties':
    case 'maxProperties':
      return { path, message: `must have ${rule ?? 'one key'}` };
    case 'maxItems': {
      const limit = (error.params as { limit: number }).limit;
      return { path, message: `must have at most ${limit} item${limit === 1 ? '' : 's'}` };
    }
    case 'minItems': {
      const limit = (error.params as { limit: number }).limit;
      return { path, message: `must have at least ${limit} item${limit === 1 ? '' : 's'}` };
    }
    case 'enum':
      return {
        path,
        message: `must be ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => `"${String(v)}"`).join(' or ')}`,
      };
    default:
      return { path, message: error.message ?? 'is not valid' };
  }
}

/** A JSON pointer into the data as a path, list positions as numbers. */
function pathOf(pointer: string, data: unknown): PlanPath {
  if (pointer === '') return [];
  const path: PlanPath = [];
  let at: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const segment = Array.isArray(at) && /^\d+$/.test(key) ? Number(key) : key;
    path.push(segment);
    at =
      at !== null && typeof at === 'object' ? (at as Record<string | number, unknown>)[segment] : undefined;
  }
  return path;
}
