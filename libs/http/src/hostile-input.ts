import { BadRequestException } from '@nestjs/common';
import { isUtf8 } from 'node:buffer';
import type { NextFunction, Request, Response } from 'express';
import { TEXT_FAULT_MESSAGES, textFault } from '../../kernel/src/index.js';

/**
 * How deep a request body may nest. The deepest real one, a return's table cell, sits at depth 4
 * (body.tables[0].rows[0][0]); JSON nested thousands deep once overflowed the stack of class-transformer.
 */
export const MAX_BODY_DEPTH = 16;

/**
 * How many keys one object of a request may have, and the whole request. No field of this product is a map: the
 * widest real object has a few dozen keys, and a whole return about a thousand (a form's fields are capped at
 * 1,000 parameters by its parser already). A JSON body of 180,000 keys held the event loop for 24 s in
 * class-transformer, for anyone, signed in or not.
 */
export const MAX_OBJECT_KEYS = 1_000;
export const MAX_BODY_KEYS = 20_000;

/** Keys that would reach an object's prototype, or its constructor, wherever a body is copied or merged. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface InputProblem {
  field: string;
  rule: string;
  message: string;
}

/**
 * The first thing in a parsed request value that no field of this product can take, whatever its rules: text
 * PostgreSQL cannot store (NUL, half a surrogate pair), a number JSON cannot carry back (1e400 parses to
 * Infinity), nesting deeper than MAX_BODY_DEPTH, or a key that names the prototype. Walks without recursion, so
 * the walk itself cannot overflow.
 */
export function findHostileInput(value: unknown, root: string): InputProblem | null {
  const stack: { value: unknown; field: string; depth: number }[] = [{ value, field: root, depth: 0 }];
  let keys = 0;
  while (stack.length > 0) {
    const { value: v, field, depth } = stack.pop()!;
    const name = field || 'body';
    if (typeof v === 'string') {
      const fault = textFault(v);
      if (fault) return { field: name, rule: fault, message: `${name} ${TEXT_FAULT_MESSAGES[fault]}` };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v))
        return { field: name, rule: 'finite-number', message: `${name} must be a finite number` };
    } else if (typeof v === 'object' && v !== null) {
      if (depth >= MAX_BODY_DEPTH) {
        return {
          field: name,
          rule: 'max-depth',
          message: `${name} nests too deep: no request goes more than ${MAX_BODY_DEPTH} levels down`,
        };
      }
      if (!Array.isArray(v)) {
        const count = Object.keys(v).length;
        keys += count;
        if (count > MAX_OBJECT_KEYS || keys > MAX_BODY_KEYS)
          return {
            field: name,
            rule: 'max-keys',
            message: `${name} has too many fields: no request has more than ${MAX_OBJECT_KEYS} in one object or ${MAX_BODY_KEYS} in all`,
          };
      }
      const entries: [string, unknown][] = Array.isArray(v)
        ? v.map((item, i) => [`[${i}]`, item])
        : Object.keys(v).map((key) => [key, (v as Record<string, unknown>)[key]]);
      for (const [key, item] of entries) {
        const child = key.startsWith('[') ? `${field}${key}` : field ? `${field}.${key}` : key;
        if (!key.startsWith('[')) {
          const fault = textFault(key);
          if (fault)
            return { field: name, rule: fault, message: `a key of ${name} ${TEXT_FAULT_MESSAGES[fault]}` };
          if (RESERVED_KEYS.has(key))
            return { field: child, rule: 'reserved-key', message: `${child} is not a field of any request` };
        }
        stack.push({ value: item, field: child, depth: depth + 1 });
      }
    }
  }
  return null;
}

/**
 * The JSON body parser's `verify` hook: refuses nesting deeper than MAX_BODY_DEPTH from the raw bytes, before
 * JSON.parse spends seconds on a 2 MB body of brackets (a million deep took 3 s here). One pass over the bytes,
 * skipping strings, remembering the top-level field it is in so the problem can name it.
 */
export function refuseDeepJson(_req: unknown, _res: unknown, raw: Buffer): void {
  // JSON is UTF-8: the parser would put U+FFFD in place of other bytes and a write would store words it was not
  // sent (an attacker's probe saved a draft so). Checked natively; the walk below finds where, for the field.
  const notUtf8At = isUtf8(raw) ? -1 : firstByteNotUtf8(raw);
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** In the root object, after its `{` or a `,`: the next string is a field name. */
  let expectField = false;
  let fieldStart = -1;
  let field = 'body';
  let rootIsObject = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (i === notUtf8At) {
      const named = inString && fieldStart >= 0 ? 'body' : field;
      throw inputProblem([
        { field: named, rule: 'invalid-utf8', message: `${named} holds bytes that are not UTF-8` },
      ]);
    }
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) escaped = true;
      else if (byte === QUOTE) {
        inString = false;
        if (fieldStart >= 0) field = fieldName(raw.subarray(fieldStart, i + 1));
        fieldStart = -1;
      }
    } else if (byte === QUOTE) {
      inString = true;
      if (expectField) fieldStart = i;
      expectField = false;
    } else if (byte === OPEN_BRACKET || byte === OPEN_BRACE) {
      depth += 1;
      if (depth === 1) rootIsObject = expectField = byte === OPEN_BRACE;
      if (depth > MAX_BODY_DEPTH) {
        throw inputProblem([
          {
            field,
            rule: 'max-depth',
            message: `${field} nests too deep: no request goes more than ${MAX_BODY_DEPTH} levels down`,
          },
        ]);
      }
    } else if (byte === CLOSE_BRACKET || byte === CLOSE_BRACE) depth -= 1;
    else if (byte === COMMA && depth === 1 && rootIsObject) expectField = true;
  }
}

/**
 * Where the first byte that cannot be UTF-8 is (a stray continuation byte, a lead byte not followed by its
 * continuations, an overlong form, a surrogate or a code point past U+10FFFF), or 0 when none is found.
 */
function firstByteNotUtf8(raw: Buffer): number {
  for (let i = 0; i < raw.length;) {
    const lead = raw[i];
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (length === 0) return i;
    // The second byte's range is narrower after these leads (RFC 3629, section 4).
    const [low, high] =
      lead === 0xe0
        ? [0xa0, 0xbf]
        : lead === 0xed
          ? [0x80, 0x9f]
          : lead === 0xf0
            ? [0x90, 0xbf]
            : lead === 0xf4
              ? [0x80, 0x8f]
              : [0x80, 0xbf];
    for (let k = 1; k < length; k++) {
      const next = raw[i + k];
      if (next === undefined || next < (k === 1 ? low : 0x80) || next > (k === 1 ? high : 0xbf)) return i;
    }
    i += length;
  }
  return 0;
}

function fieldName(quoted: Buffer): string {
  try {
    return String(JSON.parse(quoted.toString('utf8')));
  } catch {
    return 'body';
  }
}

const [QUOTE, BACKSLASH, COMMA, OPEN_BRACKET, CLOSE_BRACKET, OPEN_BRACE, CLOSE_BRACE] = [
  0x22, 0x5c, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d,
];

/** A 400 problem in the shape the validation pipe answers with, so clients read one format. */
export function inputProblem(problems: InputProblem[]): BadRequestException {
  return new BadRequestException({
    type: 'https://partner-returns.dev/problems/validation',
    title: 'The request has invalid fields',
    status: 400,
    detail: problems.map((p) => `${p.field}: ${p.message}`).join('; '),
    errors: problems,
  });
}

/**
 * Express middleware, after the body parsers and before anything reads the request (CSRF, authentication,
 * idempotency fingerprints, pipes): refuses with 400 what findHostileInput finds in the body or the query,
 * a body that is a list where every command takes an object, and a path or query whose %-escapes are not UTF-8.
 * Path parameters are checked by name in the validation pipe.
 */
export function rejectHostileInput(req: Request, _res: Response, next: NextFunction): void {
  const problem =
    pathProblem(req.path) ??
    queryProblem(req.url) ??
    bodyProblem(req.body) ??
    findHostileInput(req.query, '');
  next(problem ? inputProblem([problem]) : undefined);
}

function bodyProblem(body: unknown): InputProblem | null {
  if (Array.isArray(body))
    return { field: 'body', rule: 'object-body', message: 'body must be a JSON object, not a list' };
  return findHostileInput(body, '');
}

function pathProblem(path: string): InputProblem | null {
  try {
    decodeURIComponent(path);
    return null;
  } catch {
    return {
      field: 'path',
      rule: 'percent-encoding',
      message: 'the address holds a %-escape that is not UTF-8',
    };
  }
}

/**
 * The query parser keeps an escape it cannot decode as it came (`cycleId=%ff` read as the text "%ff"), so a
 * route answered 404 for no such cycle where the same bytes in the path answer 400: the query is held to the
 * path's rule, whichever parameter it is in and whether or not the route reads it.
 */
function queryProblem(url: string | undefined): InputProblem | null {
  const at = url?.indexOf('?') ?? -1;
  if (at < 0) return null;
  try {
    decodeURIComponent(url!.slice(at + 1));
    return null;
  } catch {
    return {
      field: 'query',
      rule: 'percent-encoding',
      message: 'the query holds a %-escape that is not UTF-8',
    };
  }
}
