import { OpenApiDocument, resolveSchema, Schema } from './openapi.js';

/** mulberry32: a small seeded PRNG, so a run that found something can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = ReturnType<typeof seededRandom>;

export function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

/**
 * A valid value for `schema` with every property filled in, optional ones too (each is a field to mutate):
 * `hints` by property name first, then the schema's example, enum or type.
 */
export function fullExample(doc: OpenApiDocument, schema: Schema, hints: Record<string, unknown>): unknown {
  const s = resolveSchema(doc, schema);
  if (s.properties) {
    return Object.fromEntries(
      Object.entries(s.properties).map(([name, property]) => [
        name,
        name in hints ? hints[name] : fullExample(doc, property, hints),
      ]),
    );
  }
  if (s.example !== undefined) return s.example;
  if (s.enum?.length) return s.enum[0];
  switch (s.type) {
    case 'string':
      return 'text';
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'array':
      return s.items ? [fullExample(doc, s.items, hints)] : [];
    default:
      return {};
  }
}

/** A path into a JSON value: property names and list indexes. */
export type FieldPath = (string | number)[];

/** Every field of a JSON value, branches and leaves, as paths: ['tables'], ['tables', 0, 'caption'], ... */
export function fieldPaths(value: unknown, path: FieldPath = []): FieldPath[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...path, key], ...fieldPaths(child, [...path, key])]);
}

export function valueAt(value: unknown, path: FieldPath): unknown {
  return path.reduce<unknown>((v, key) => (v as Record<string | number, unknown> | undefined)?.[key], value);
}

/** A deep copy of `value` with the field at `path` replaced (or removed, for `undefined`). */
export function withField(value: unknown, path: FieldPath, replacement: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  const parent = valueAt(copy, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path[path.length - 1];
  if (replacement === undefined && !Array.isArray(parent)) delete parent[key];
  else parent[key] = replacement;
  return copy;
}

/** `caseStudies[0].title`, the way the problem+json names a field. */
export function fieldName(path: FieldPath): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}
