import type { Actor } from './domain-error.js';

/** What a person is to the product; 'system' is the worker's own actor and never comes with a request. */
export type Role = Actor['role'];

/** The roles a request can carry: staff signed in (by session or API token), or an agency lead by link. */
export type PersonRole = Exclude<Role, 'system'>;

/** Staff: the people with an account (and so with API tokens), as against agency leads holding a link. */
export const ANY_STAFF: readonly PersonRole[] = Object.freeze(['coordinator', 'reviewer', 'board', 'viewer']);

/** Everyone who can be signed in; what each of them then sees is the query's business. */
export const ANYONE_SIGNED_IN: readonly PersonRole[] = Object.freeze([...ANY_STAFF, 'agency-lead']);
