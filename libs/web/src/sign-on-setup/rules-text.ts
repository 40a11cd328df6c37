import { ROLE_RULE_MATCHES, RoleRule, STAFF_ROLES } from '../../../auth/src/index.js';
import type { FieldError } from '../staff/staff-form.js';

/**
 * The role mapping as a coordinator types it in a text area, one rule a line: the role, what it matches, and
 * the value, e.g. `coordinator group 6f1c2a9e-…` or `reviewer email rita@sevenoaks.gov.uk`. Blank lines are
 * skipped. The rules (libs/auth) check the rest; this only splits the lines and names the first bad one.
 */
export function readRules(text: string): { rules: RoleRule[]; errors: FieldError[] } {
  const rules: RoleRule[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    const [role, match, ...rest] = line.trim().split(/\s+/);
    const value = rest.join(' ');
    if (!STAFF_ROLES.includes(role as never) || !ROLE_RULE_MATCHES.includes(match as never) || !value)
      return {
        rules: [],
        errors: [
          {
            field: 'rules',
            text:
              `Line ${i + 1} must be a role (${STAFF_ROLES.join(', ')}), then subject, email or group, then ` +
              'the value, like: reviewer group lsp-reviewers',
          },
        ],
      };
    rules.push({ role, match, value } as RoleRule);
  }
  return { rules, errors: [] };
}

/** The mapping back as text, for the form. */
export function rulesText(rules: readonly RoleRule[]): string {
  return rules.map((r) => `${r.role} ${r.match} ${r.value}`).join('\n');
}
