import { STAFF_ROLES, StaffRole } from '../../../auth/src/index.js';
import type { Form } from '../coordinate/coordinator.js';
import { formList, formText } from '../form-fields.js';

/** A field and what is wrong with it, as the GOV.UK error summary and inline messages show it. */
export interface FieldError {
  field: string;
  text: string;
}

export const ROLE_WORDS: Record<StaffRole, { label: string; hint: string }> = {
  coordinator: {
    label: 'Coordinator',
    hint: 'Runs monitoring cycles, manages the plan, staff and links, publishes the report',
  },
  reviewer: {
    label: 'Reviewer',
    hint: 'Approves returns or sends them back, for the themes they look after',
  },
  board: {
    label: 'Board member',
    hint: 'In two-stage cycles, accepts the returns reviewers approved or returns them to review',
  },
  viewer: { label: 'Viewer', hint: 'Reads the cycles, their progress and reports; changes nothing' },
};

/** The role and themes of the invite and change forms, read and checked. */
export function roleAndThemes(form: Form, themeIds: readonly string[]) {
  const errors: FieldError[] = [];
  const role = formText(form.role) as StaffRole;
  if (!STAFF_ROLES.includes(role)) errors.push({ field: 'role', text: 'Select a role' });
  const themes = formList(form.themeIds).filter((t) => themeIds.includes(t));
  return { role, themes, errors };
}

/** The invite form: a name, an email and a role (and themes for a reviewer). */
export function readInvite(form: Form, themeIds: readonly string[]) {
  const name = formText(form.name).trim();
  const email = formText(form.email).trim();
  const errors: FieldError[] = [];
  if (!name) errors.push({ field: 'name', text: 'Enter their full name' });
  else if (name.length > 200) errors.push({ field: 'name', text: 'Name must be 200 characters or fewer' });
  if (!email) errors.push({ field: 'email', text: 'Enter their email address' });
  else if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    errors.push({
      field: 'email',
      text: 'Enter an email address in the correct format, like name@example.org',
    });
  const chosen = roleAndThemes(form, themeIds);
  return { name, email, role: chosen.role, themes: chosen.themes, errors: [...errors, ...chosen.errors] };
}

/** The error summary's list and each field's inline message. */
export function errorsFor(errors: FieldError[]) {
  return {
    errorList: errors.map((e) => ({ text: e.text, href: `#${e.field}` })),
    errorOf: Object.fromEntries(errors.map((e) => [e.field, { text: e.text }])),
  };
}
