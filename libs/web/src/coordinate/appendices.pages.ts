import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ConcurrencyError } from '../../../event-store/src/index.js';
import {
  PageMessage,
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  QueryText,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import {
  APPENDIX_LIMITS,
  AppendixChange,
  ChangeAppendicesCommand,
  EnteredCaseStudy,
  GetAppendices,
} from '../../../returns/src/index.js';
import { staffNavigation } from '../review.pages.js';
import { Form, noSuchAction } from './coordinator.js';
import { formPageVersion, formText } from '../form-fields.js';

/** How many sections the "add a case study" form offers: the seed's studies have at most six. */
export const SECTION_FIELDS = 6;

const text = (form: Form, name: string) => formText(form[name]).trim();
const orNull = (value: string) => (value === '' ? null : value);

/** A case study as its form sends it: sections as numbered heading and body fields, empty rows left out. */
function studyFrom(f: Form): EnteredCaseStudy {
  return {
    title: text(f, 'title'),
    organisation: text(f, 'organisation'),
    author: orNull(text(f, 'author')),
    measureRef: orNull(text(f, 'measureRef')),
    themeId: orNull(text(f, 'themeId')),
    groupHeading: orNull(text(f, 'groupHeading')),
    // One heading and no body is a section the rules refuse, naming it.
    sections: Array.from({ length: APPENDIX_LIMITS.sections }, (_, i) => ({
      heading: text(f, `heading${i + 1}`),
      body: text(f, `body${i + 1}`),
    })).filter((s) => s.heading !== '' || s.body !== ''),
  };
}

/** What each form on the page asks for, as the change the API makes for the same thing. */
const APPENDIX_FORMS = new Map<string, (form: Form) => { change: AppendixChange; done: string }>([
  [
    'add',
    (f) => ({
      change: { type: 'AddAppendix', title: text(f, 'title'), introduction: text(f, 'introduction') },
      done: 'Appendix added',
    }),
  ],
  [
    'change',
    (f) => ({
      change: {
        type: 'ChangeAppendix',
        appendixId: text(f, 'appendixId'),
        title: text(f, 'title'),
        introduction: text(f, 'introduction'),
      },
      done: 'Appendix changed',
    }),
  ],
  [
    'move',
    (f) => ({
      change: {
        type: 'MoveAppendix',
        appendixId: text(f, 'appendixId'),
        position: Number(text(f, 'position')),
      },
      done: 'Appendix moved',
    }),
  ],
  [
    'remove',
    (f) => ({
      change: { type: 'RemoveAppendix', appendixId: text(f, 'appendixId') },
      done: 'Appendix removed',
    }),
  ],
  [
    'add-study',
    (f) => ({
      change: { type: 'AddCaseStudy', appendixId: text(f, 'appendixId'), study: studyFrom(f) },
      done: 'Case study added',
    }),
  ],
  [
    'change-study',
    (f) => ({
      change: {
        type: 'ChangeCaseStudy',
        appendixId: text(f, 'appendixId'),
        caseStudyId: text(f, 'caseStudyId'),
        study: studyFrom(f),
      },
      done: 'Case study changed',
    }),
  ],
  [
    'place-study',
    (f) => {
      const [returnId, index] = text(f, 'study').split('#');
      return {
        change: {
          type: 'PlaceAgencyCaseStudy',
          appendixId: text(f, 'appendixId'),
          returnId: returnId ?? '',
          index: Number(index ?? ''),
        },
        done: "Agency's case study placed",
      };
    },
  ],
  [
    'move-study',
    (f) => ({
      change: {
        type: 'MoveCaseStudy',
        appendixId: text(f, 'appendixId'),
        caseStudyId: text(f, 'caseStudyId'),
        position: Number(text(f, 'position')),
      },
      done: 'Case study moved',
    }),
  ],
  [
    'remove-study',
    (f) => ({
      change: {
        type: 'RemoveCaseStudy',
        appendixId: text(f, 'appendixId'),
        caseStudyId: text(f, 'caseStudyId'),
      },
      done: 'Case study removed',
    }),
  ],
]);

/**
 * The coordinator's page for a cycle's appendices, reached from the cycle's dashboard: every form posts to
 * /coordinate/cycles/:cycleId/appendices/<action>, runs the API's own command, and comes back with what was done
 * or with the rule broken as a GOV.UK error summary linking to the field. Works without JavaScript.
 */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class AppendicesPages {
  constructor(
    @Inject(GetAppendices) private readonly appendices: GetAppendices,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get('cycles/:cycleId/appendices')
  async show(
    @Param('cycleId') cycleId: string,
    @PageMessage('done') done: string | undefined,
    @PageMessage('error') error: string | undefined,
    @QueryText('field') field: string | undefined,
    @QueryText('form') form: string | undefined,
    @QueryText('appendix') appendix: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const view = await this.appendices.view(actor, cycleId);
    res.render('pages/coordinate/appendices', {
      title: 'Appendices',
      ...view,
      sectionFields: Array.from({ length: SECTION_FIELDS }, (_, i) => i + 1),
      done,
      error,
      // The field the error names, as the id of its input on the form that was sent.
      errorHref: `#${[form || 'add', appendix || 'new', field || 'title'].join('-').replace(/[^A-Za-z0-9-]/g, '-')}`,
      navigation: staffNavigation(actor, '/coordinate'),
      backLink: `/coordinate/cycles/${encodeURIComponent(cycleId)}`,
    });
  }

  @Post('cycles/:cycleId/appendices/:action')
  async change(
    @Param('cycleId') cycleId: string,
    @Param('action') name: string,
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const back = `/coordinate/cycles/${encodeURIComponent(cycleId)}/appendices`;
    const read = APPENDIX_FORMS.get(name) ?? noSuchAction;
    const { change, done } = read(form);
    // The version the page showed: a change made meanwhile by someone else is refused, not overwritten.
    const version = formPageVersion(form.version);
    try {
      await this.commands.execute(
        new ChangeAppendicesCommand({ actor, correlationId, expectedVersion: version }, cycleId, change),
      );
      res.redirect(303, `${back}?${pageMessageQuery(res, 'done', done)}`);
    } catch (error) {
      const refused = (message: string, field = '') =>
        res.redirect(
          303,
          `${back}?${pageMessageQuery(res, 'error', message)}&field=${encodeURIComponent(field)}&form=${encodeURIComponent(name)}&appendix=${encodeURIComponent([form.appendixId, form.caseStudyId].filter(Boolean).join('-'))}`,
        );
      if (error instanceof ConcurrencyError) {
        return refused('The appendices changed since this page was loaded: look again and redo the change');
      }
      if (error instanceof DomainError && error.kind !== 'not-found' && error.kind !== 'forbidden') {
        return refused(error.message, error.field);
      }
      throw error;
    }
  }
}
