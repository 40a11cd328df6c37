/** What body-parser (and zlib under it) says when it cannot read a body, as far as it is read here. */
interface ReadingError {
  type?: unknown;
  code?: unknown;
  body?: unknown;
  message?: unknown;
}

const VALIDATION = 'https://partner-returns.dev/problems/validation';

/** A ProblemDetails (problem-details.filter.ts, which imports this file, so it is not imported back). */
type BodyProblem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code?: string;
  errors: { field: string; rule: string; message: string }[];
};

/**
 * The problem for a body the parsers could not read, naming the field and the rule, as every other refusal
 * does: these came out as `about:blank` with body-parser's words ("Unexpected token 'n', "null" is not valid
 * JSON", "Bad Request" for a gzip body that was not gzip), naming neither. Null when the error is none of
 * these (a body over the limit and a refused verify have their own answers).
 */
export function unreadableBody(error: unknown): BodyProblem | null {
  if (typeof error !== 'object' || error === null) return null;
  const { type, code, body } = error as ReadingError;
  if (type === 'entity.parse.failed') {
    return typeof body === 'string' && isJsonScalar(body)
      ? invalid('body', 'object-body', 'body must be a JSON object')
      : invalid('body', 'json-syntax', `body is not valid JSON: ${String((error as ReadingError).message)}`);
  }
  if (type === 'charset.unsupported') {
    return unsupported('Content-Type', 'charset', "Content-Type's charset must be UTF-8, or left out");
  }
  if (type === 'encoding.unsupported') {
    return unsupported(
      'Content-Encoding',
      'content-encoding',
      'Content-Encoding must be gzip, deflate, br or none',
    );
  }
  // zlib's own errors (Z_DATA_ERROR, Z_BUF_ERROR): the bytes are not what Content-Encoding says.
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return invalid(
      'Content-Encoding',
      'content-encoding',
      'the body is not encoded as its Content-Encoding says',
    );
  }
  if (type === 'request.size.invalid' || type === 'request.aborted') {
    return invalid('Content-Length', 'content-length', 'the body is not as long as its Content-Length says');
  }
  return null;
}

/** JSON that parses, but to a number, string, boolean or null: body-parser's strict mode takes only objects. */
function isJsonScalar(body: string): boolean {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value !== 'object' || value === null;
  } catch {
    return false;
  }
}

function invalid(field: string, rule: string, message: string): BodyProblem {
  return {
    type: VALIDATION,
    title: 'The request has invalid fields',
    status: 400,
    detail: `${field}: ${message}`,
    errors: [{ field, rule, message }],
  };
}

function unsupported(field: string, rule: string, message: string): BodyProblem {
  return {
    type: 'https://partner-returns.dev/problems/unsupported-body',
    title: 'The request body is in a form this service does not read; nothing was changed',
    status: 415,
    code: 'unsupported-body',
    detail: message,
    errors: [{ field, rule, message }],
  };
}
