/** Just enough of an OpenAPI 3 document to walk its routes and make a plausible request for each. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  minItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface DocumentedRoute {
  /** `GET /cycles/{cycleId}`: the method in capitals and the path as the document writes it. */
  route: string;
  method: string;
  path: string;
  operation: Operation;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document, in its order. */
export function documentedRoutes(doc: OpenApiDocument): DocumentedRoute[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operation,
      })),
  );
}

export function parametersOf(route: DocumentedRoute, where: Parameter['in']): Parameter[] {
  return (route.operation.parameters ?? []).filter((p) => p.in === where);
}

/** The schema a `$ref` (or a lone `allOf`) stands for. */
export function resolveSchema(doc: OpenApiDocument, schema: Schema): Schema {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    const found = doc.components?.schemas?.[name];
    if (!found) throw new Error(`the document refers to a missing schema ${schema.$ref}`);
    return resolveSchema(doc, found);
  }
  if (schema.allOf?.length === 1) return resolveSchema(doc, schema.allOf[0]);
  return schema;
}

/** The JSON schema of a route's request body, or null when it takes none. */
export function requestBodySchema(doc: OpenApiDocument, route: DocumentedRoute): Schema | null {
  const content = route.operation.requestBody?.content;
  const schema = content?.['application/json']?.schema;
  return schema ? resolveSchema(doc, schema) : null;
}

/**
 * A value that passes validation for `schema`: every required property, plus the optional ones that are enums or
 * that `hints` names (hints also win over the type, for ids and dates the type cannot tell). Text is `text`,
 * dates are `futureDate`.
 */
export function sampleValue(
  doc: OpenApiDocument,
  schema: Schema,
  hints: Record<string, unknown>,
  text: string,
  futureDate: string,
): unknown {
  const s = resolveSchema(doc, schema);
  if (s.enum?.length) return s.enum[0];
  if (s.properties || s.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      const required = s.required?.includes(name) ?? false;
      const p = resolveSchema(doc, property);
      if (name in hints) out[name] = hints[name];
      else if (required || p.enum?.length) out[name] = sampleValue(doc, p, hints, text, futureDate);
    }
    return out;
  }
  switch (s.type) {
    case 'string':
      if (s.format === 'date') return futureDate;
      if (s.format === 'date-time') return `${futureDate}T12:00:00Z`;
      if (s.format === 'email') return 'someone@example.org';
      return text;
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'array':
      return s.minItems && s.items
        ? Array.from({ length: s.minItems }, () => sampleValue(doc, s.items!, hints, text, futureDate))
        : [];
    default:
      return text;
  }
}

/** Express's `/cycles/:cycleId` as the document writes it: `/cycles/{cycleId}`. */
export function documentPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
