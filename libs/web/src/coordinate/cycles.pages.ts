import { Body, Controller, Get, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { escapeHtml } from '../../../mail/src/index.js';
import {
  DraftCycleCommand,
  ListCycles,
  ListReturns,
  OpenCycleCommand,
  PartnershipIndex,
  SignOff,
} from '../../../returns/src/index.js';
import {
  CommandEnvelope,
  Actor,
  Clock,
  CYCLE_NAME,
  DomainError,
  scopedCycleId,
} from '../../../kernel/src/index.js';
import {
  dateInputItems,
  dateInWords,
  DatePart,
  parseDateInput,
  postedDateParts,
  todayInLondon,
} from '../date-input/date-input.js';
import { staffNavigation } from '../review.pages.js';
import { FormFields, singleValues } from '../form-fields.js';
import { Form } from './coordinator.js';
import { pastDueDate } from './extend-form.js';

/** The coordinator's cycles: the list with how many have returned, and opening a new cycle. */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class CyclesPages {
  constructor(
    @Inject(ListCycles) private readonly cycles: ListCycles,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Res() res: Response) {
    const rows = [];
    for (const { state } of await this.cycles.cycles(actor)) {
      const views = await this.returns.of(state);
      const done = views.filter((v) => ['submitted', 'approved', 'accepted'].includes(v.status)).length;
      rows.push([
        {
          html: `<a class="govuk-link" href="/coordinate/cycles/${encodeURIComponent(state.cycleId)}">${escapeHtml(state.label)}</a>`,
        },
        // A past year recorded from its old report was never open here: say so beside its status.
        {
          text:
            'recordedFromHistory' in state && state.recordedFromHistory
              ? 'closed (recorded from a past report)'
              : state.status,
        },
        // In words, never broken across lines ("23 December 2026").
        { html: `<span class="app-nowrap">${escapeHtml(dateInWords(state.dueDate))}</span>` },
        { text: views.length ? `${done} of ${views.length}` : '-' },
      ]);
    }
    res.render('pages/coordinate/cycles', {
      title: 'Monitoring cycles',
      rows,
      navigation: staffNavigation(actor, '/coordinate'),
    });
  }

  @Get('cycles/new')
  async newCycle(@CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/coordinate/new-cycle', newCycleModel(actor, {}, [], this.clock.now()));
  }

  /** Drafts the cycle and opens it at once: the same two commands as POST /cycles and POST /cycles/:id/open. */
  @Post('cycles/new')
  async openCycle(
    @Body() posted: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    // The new-cycle form has no list fields: each is read as the one value it sends.
    const form = singleValues(posted);
    // The dates first, in the GOV.UK pattern: every problem at once, and what was typed shown again.
    const dates = readCycleDates(form, todayInLondon(this.clock.now()));
    if (!dates.ok) {
      return res
        .status(400)
        .render('pages/coordinate/new-cycle', newCycleModel(actor, form, dates.problems, this.clock.now()));
    }
    // The short name is optional: left empty, the cycle is named from its label (year-1-2019-20).
    const name = form.cycleId?.trim() ?? '';
    if (name && !CYCLE_NAME.test(name)) {
      const text = 'Short name must be lower-case letters, digits and hyphens (-), at most 64 characters';
      return res
        .status(400)
        .render(
          'pages/coordinate/new-cycle',
          newCycleModel(actor, form, [{ field: 'cycleId', text }], this.clock.now()),
        );
    }
    const latestPlanId = (await this.index.planIds(actor.partnershipId)).at(-1);
    const envelope: CommandEnvelope = { actor, correlationId };
    let cycleId: string;
    try {
      ({ id: cycleId } = await this.commands.execute(
        new DraftCycleCommand(envelope, {
          ...(name ? { cycleId: scopedCycleId(actor.partnershipId, name) } : {}),
          partnershipId: actor.partnershipId,
          planId: form.planId || latestPlanId || '',
          label: form.label ?? '',
          periodStart: dates.periodStart,
          periodEnd: dates.periodEnd,
          dueDate: dates.dueDate,
          // Left empty, the report's own defaults apply.
          ...(form.reportTitle?.trim() ? { reportTitle: form.reportTitle.trim() } : {}),
          ...(form.yearHeading?.trim() ? { yearHeading: form.yearHeading.trim() } : {}),
          // Nothing chosen is one stage, as over the API; anything else chosen the rules refuse by name.
          ...(form.signOff ? { signOff: form.signOff as SignOff } : {}),
        }),
      ));
    } catch (error) {
      // A short name the partnership has already given is the coordinator's to change, as a wrong date is.
      if (error instanceof DomainError && (error.kind === 'unprocessable' || error.kind === 'conflict')) {
        const field = error.field ?? 'label';
        return res
          .status(400)
          .render(
            'pages/coordinate/new-cycle',
            newCycleModel(actor, form, [{ field, text: error.message }], this.clock.now()),
          );
      }
      throw error;
    }
    await this.commands.execute(new OpenCycleCommand(envelope, cycleId));
    res.redirect(
      303,
      `/coordinate/cycles/${encodeURIComponent(cycleId)}?${pageMessageQuery(res, 'done', 'Cycle opened: every agency lead has been emailed their link')}`,
    );
  }
}

/** A problem with the new-cycle form: the field it is about (a date's, the label's, the name's) and what to do. */
interface CycleProblem {
  field: string;
  text: string;
  parts?: DatePart[];
}

const CYCLE_DATES = [
  { name: 'periodStart', label: 'Period start date' },
  { name: 'periodEnd', label: 'Period end date' },
  { name: 'dueDate', label: 'Due date' },
] as const;

/**
 * The cycle's three dates from their day, month and year boxes. A due date before today is a slip more often
 * than a choice (the leads would be overdue the moment they are asked), so it needs the confirmation box too.
 */
function readCycleDates(
  form: FormFields,
  today: string,
):
  | { ok: true; periodStart: string; periodEnd: string; dueDate: string }
  | { ok: false; problems: CycleProblem[] } {
  const problems: CycleProblem[] = [];
  const dates: Record<string, string> = {};
  for (const { name, label } of CYCLE_DATES) {
    const parsed = parseDateInput(postedDateParts(form, name), label);
    if (parsed.ok) dates[name] = parsed.date;
    else problems.push({ field: name, text: parsed.message, parts: parsed.parts });
  }
  if (dates.periodStart && dates.periodEnd && dates.periodEnd < dates.periodStart) {
    problems.push({
      field: 'periodEnd',
      text: 'Period end date must be after the period start date',
      parts: [],
    });
  }
  if (dates.dueDate && dates.dueDate < today && form.confirmPast !== 'yes') {
    problems.push({
      field: 'dueDate',
      text: 'Due date is in the past: check it, or confirm that is what you mean',
      parts: [],
    });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, periodStart: dates.periodStart, periodEnd: dates.periodEnd, dueDate: dates.dueDate };
}

/**
 * The new-cycle page: what was typed, each problem inline and in the summary, "Error:" in the title. A due date
 * typed before today asks for its confirmation again, ticked as it was: refused for another field, the form
 * came back without the box, the tick lost.
 */
function newCycleModel(actor: Actor, form: FormFields, problems: CycleProblem[], now: Date) {
  const problemOf = (field: string) => problems.find((p) => p.field === field);
  const dateQuestions = Object.fromEntries(
    CYCLE_DATES.map(({ name }) => {
      const problem = problemOf(name);
      return [
        name,
        {
          items: dateInputItems(
            postedDateParts(form, name),
            problem?.parts ?? (problem ? ['day', 'month', 'year'] : []),
          ),
          error: problem ? { text: problem.text } : undefined,
        },
      ];
    }),
  );
  return {
    title: `${problems.length ? 'Error: ' : ''}Open a monitoring cycle`,
    heading: 'Open a monitoring cycle',
    form,
    dates: dateQuestions,
    labelError: problemOf('label') ? { text: problemOf('label')!.text } : undefined,
    cycleIdError: problemOf('cycleId') ? { text: problemOf('cycleId')!.text } : undefined,
    signOffError: problemOf('signOff') ? { text: problemOf('signOff')!.text } : undefined,
    signOffItems: [
      {
        value: 'one-stage',
        text: 'One stage: a reviewer approves',
        hint: { text: 'The report shows a return as soon as a reviewer approves it.' },
      },
      {
        value: 'two-stage',
        text: 'Two stages: a reviewer approves, then a coordinator or board member accepts',
        hint: {
          text: 'The report shows a return only once it is accepted. Nobody may sign off both stages.',
        },
      },
    ].map((item) => ({ ...item, checked: item.value === (form.signOff || 'one-stage') })),
    ...pastDueDate(form, now),
    errors: problems.map((p) => ({
      text: p.text,
      href: `#${p.field}${CYCLE_DATES.some((d) => d.name === p.field) ? `-${p.parts?.[0] ?? 'day'}` : ''}`,
    })),
    backLink: '/coordinate',
    navigation: staffNavigation(actor, '/coordinate'),
  };
}
