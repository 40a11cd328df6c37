import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  QueryText,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import {
  contactKey,
  findIndicator,
  indicatorForm,
  isPlanPart,
  PlanEdit,
  PlanFile,
  PlanForm,
  PlanEditProblem,
  PlanPart,
} from '../../../plan/src/index.js';
import { EditablePlan, EditPlan } from '../../../returns/src/index.js';
import { staffNavigation } from '../review.pages.js';
import { formText } from '../form-fields.js';

/** Each part of the plan in the coordinator's words. */
const PART_WORDS: Record<PlanPart, { name: string; add: string }> = {
  theme: { name: 'theme', add: 'Add a theme' },
  priority: { name: 'priority', add: 'Add a priority' },
  measure: { name: 'key success measure', add: 'Add a key success measure' },
  indicator: { name: 'indicator', add: 'Add an indicator' },
  agency: { name: 'agency', add: 'Add an agency' },
  contact: { name: 'contact', add: 'Add a contact' },
};

/**
 * The plan edited one part at a time with GOV.UK forms (issue 13 point 9): add or change a theme, priority,
 * key success measure, agency or contact, and remove one where that is safe. Each save is decided by the
 * import's rules (see decideEditPlan), so it records the same plan events an import of the same change would.
 * A form carries the plan's version; a save after someone else's change shows the form again with what was
 * typed, rather than losing it or deciding on a plan the coordinator did not see.
 */
@ApiExcludeController()
@Controller('coordinate/plan')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class PlanPartsPages {
  constructor(@Inject(EditPlan) private readonly plans: EditPlan) {}

  @Get(':part/new')
  async addForm(
    @Param('part') part: string,
    @QueryText('measure') measure: unknown,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const plan = await this.plan(actor);
    // An indicator is added from its measure's row: the form opens with that measure chosen.
    const form: PlanForm = typeof measure === 'string' ? { measure } : {};
    this.render(res, 200, actor, plan, { part: partOf(part), action: 'add', form });
  }

  @Post(':part/new')
  async add(
    @Param('part') part: string,
    @Body() form: PlanForm,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.save(
      res,
      actor,
      correlationId,
      { part: partOf(part), action: 'add', form: cleaned(form) },
      form,
    );
  }

  @Get(':part/:key/change')
  async changeForm(
    @Param('part') part: string,
    @Param('key') key: string,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const plan = await this.plan(actor);
    const p = partOf(part);
    this.render(res, 200, actor, plan, { part: p, action: 'change', key, form: formOf(plan.file, p, key) });
  }

  @Post(':part/:key/change')
  async change(
    @Param('part') part: string,
    @Param('key') key: string,
    @Body() form: PlanForm,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const edit: PlanEdit = { part: partOf(part), action: 'change', key, form: cleaned(form) };
    await this.save(res, actor, correlationId, edit, form);
  }

  @Get(':part/:key/remove')
  async removeForm(
    @Param('part') part: string,
    @Param('key') key: string,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const plan = await this.plan(actor);
    const p = partOf(part);
    // Named here so that an unknown part is a 404 before a question is asked about it.
    formOf(plan.file, p, key);
    const edit: PlanEdit = { part: p, action: 'remove', key, form: {} };
    // What still needs it is said before the question, which is then not asked.
    const blockers = await this.plans.check(edit, actor.partnershipId);
    this.render(res, 200, actor, plan, edit, [], blockers);
  }

  @Post(':part/:key/remove')
  async remove(
    @Param('part') part: string,
    @Param('key') key: string,
    @Body() form: PlanForm,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    // A contact removed: the sessions their links opened end in the same transaction (LINK_SESSIONS_END_HOOK).
    await this.save(res, actor, correlationId, { part: partOf(part), action: 'remove', key, form: {} }, form);
  }

  private async save(res: Response, actor: Actor, correlationId: string, edit: PlanEdit, form: PlanForm) {
    const version = typeof form.version === 'string' ? form.version : '';
    const done = await this.plans.edit(edit, version, { actor, correlationId });
    if (done.outcome === 'edited') {
      const words = PART_WORDS[edit.part].name;
      const what = edit.action === 'add' ? 'added' : edit.action === 'change' ? 'changed' : 'removed';
      const message = done.changes.length === 0 ? 'Nothing changed' : `${capital(words)} ${what}`;
      return res.redirect(303, `/coordinate/plan?${pageMessageQuery(res, 'done', message)}`);
    }
    // Shown again with what was typed: the problems, or that the plan moved on (then at its new version).
    const plan = await this.plan(actor);
    const problems: PlanEditProblem[] =
      done.outcome === 'invalid'
        ? done.problems
        : [
            {
              field: '',
              message:
                'Someone changed the plan since you opened this page. Check what you typed against the plan as it is now, then save again',
            },
          ];
    this.render(
      res,
      done.outcome === 'stale' ? 409 : 422,
      actor,
      plan,
      { ...edit, form: edit.form },
      problems,
    );
  }

  private async plan(actor: Actor): Promise<EditablePlan> {
    const plan = await this.plans.current(actor.partnershipId);
    if (!plan)
      throw new DomainError(
        'plan-not-found',
        'There is no plan to edit yet: load one from a file',
        'not-found',
      );
    return plan;
  }

  private render(
    res: Response,
    status: number,
    actor: Actor,
    plan: EditablePlan,
    edit: PlanEdit,
    problems: PlanEditProblem[] = [],
    blockers: PlanEditProblem[] = [],
  ) {
    const words = PART_WORDS[edit.part];
    const heading =
      edit.action === 'add'
        ? words.add
        : edit.action === 'change'
          ? `Change ${words.name} ${labelOf(plan.file, edit.part, edit.key!)}`
          : blockers.length
            ? `You cannot remove ${words.name} ${labelOf(plan.file, edit.part, edit.key!)}`
            : `Remove ${words.name} ${labelOf(plan.file, edit.part, edit.key!)}?`;
    const errors = Object.fromEntries(
      problems.filter((p) => p.field).map((p) => [p.field, { text: p.message }]),
    );
    const href = (field: string) =>
      `#${field === 'leadAgencies' ? 'leadAgencies' : field === 'remove' || !field ? 'plan-part-form' : field}`;
    const { file } = plan;
    const themeOf =
      edit.part === 'measure' && edit.key
        ? (file.themes.find((t) => t.measures.some((m) => m.ref === edit.key))?.id ?? '')
        : '';
    const form = { theme: themeOf, ...edit.form } as Record<string, string | string[]>;
    const leadAgencies = ([] as string[]).concat(form.leadAgencies ?? []);
    const agencies = file.agencies.map((a) => ({ value: a.id, text: a.name }));
    const themes = file.themes.map((t) => ({ value: t.id, text: t.title }));
    res.status(status).render('pages/coordinate/plan-part', {
      title: `${problems.length ? 'Error: ' : ''}${heading}`,
      heading,
      blockers: blockers.map((b) => b.message),
      part: edit.part,
      action: edit.action,
      postTo: `/coordinate/plan/${edit.part}/${edit.action === 'add' ? 'new' : `${encodeURIComponent(edit.key!)}/${edit.action}`}`,
      version: plan.version,
      form,
      leadAgencies: Array.isArray(form.leadAgencies)
        ? form.leadAgencies
        : form.leadAgencies
          ? [form.leadAgencies]
          : [],
      errors,
      errorList: problems.map((p) => ({ text: p.message, href: href(p.field) })),
      themeChoices: choices(themes, form.theme, 'Choose a theme'),
      measureChoices: choices(
        file.themes.flatMap((t) => t.measures.map((m) => ({ value: m.ref, text: `${m.ref}: ${m.text}` }))),
        form.measure,
        'Choose a key success measure',
      ),
      agencyChoices: Object.fromEntries(
        ['leadAgency', 'measureLeadAgency', 'agency'].map((f) => [
          f,
          choices(agencies, form[f], 'Choose an agency'),
        ]),
      ),
      leadAgencyItems: agencies.map((a) => ({ ...a, checked: leadAgencies.includes(a.value) })),
      // A measure's priority is one of its theme's own: only those are offered once the theme is known.
      priorityItems: [
        { value: '', text: 'None' },
        ...file.themes
          .filter((t) => !form.theme || t.id === form.theme)
          .flatMap((t) =>
            t.priorities.map((p) => ({
              value: p.ref,
              text: `${p.ref}: ${p.text}`,
              selected: p.ref === form.priority,
            })),
          ),
      ],
      navigation: staffNavigation(actor, '/coordinate/plan'),
    });
  }
}

/** A select's items with the current value chosen, after a first "Choose" item. */
const choices = (items: { value: string; text: string }[], selected: unknown, first: string) => [
  { value: '', text: first },
  ...items.map((i) => ({ ...i, selected: i.value === selected })),
];

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function partOf(part: string): PlanPart {
  if (!isPlanPart(part)) throw new DomainError('not-found', 'No such part of the plan', 'not-found');
  return part;
}

/** Only the form's own fields: not the CSRF token or the version, which are no part of the plan. */
function cleaned(form: PlanForm): PlanForm {
  const { _csrf: _token, version: _version, ...fields } = form;
  return fields;
}

/** A part's current fields as its change form has them; not found when the plan has no such part. */
function formOf(file: PlanFile, part: PlanPart, key: string): PlanForm {
  const missing = (): never => {
    throw new DomainError(
      'plan-part-not-found',
      `The plan has no ${PART_WORDS[part].name} "${key}"`,
      'not-found',
    );
  };
  switch (part) {
    case 'theme': {
      const t = file.themes.find((x) => x.id === key) ?? missing();
      return { title: t.title, ambition: t.ambition, leadAgencies: t.leadAgencies };
    }
    case 'priority': {
      const theme = file.themes.find((x) => x.priorities.some((p) => p.ref === key)) ?? missing();
      return { theme: theme.id, text: theme.priorities.find((p) => p.ref === key)!.text };
    }
    case 'measure': {
      const theme = file.themes.find((x) => x.measures.some((m) => m.ref === key)) ?? missing();
      const m = theme.measures.find((x) => x.ref === key)!;
      return { theme: theme.id, text: m.text, leadAgency: m.leadAgency, priority: m.priority ?? '' };
    }
    case 'indicator': {
      const { measure, indicator } = findIndicator(file, key);
      return indicatorForm(measure.ref, indicator);
    }
    case 'agency': {
      const a = file.agencies.find((x) => x.id === key) ?? missing();
      return { name: a.name };
    }
    case 'contact': {
      for (const a of file.agencies)
        for (const c of a.contacts)
          if (contactKey(a.id, c.email) === key)
            return { agency: a.id, name: c.name, email: c.email, role: c.role };
      return missing();
    }
  }
}

/** How a heading names the part: a theme or agency by name, a measure or priority by ref, a contact by name. */
function labelOf(file: PlanFile, part: PlanPart, key: string): string {
  const form = formOf(file, part, key);
  if (part === 'theme') return formText(form.title);
  if (part === 'agency' || part === 'contact') return formText(form.name);
  if (part === 'indicator') return `${formText(form.name)} of ${formText(form.measure)}`;
  return key;
}
