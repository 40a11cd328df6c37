import { getMetadataStorage } from 'class-validator';
import {
  CaseStudyDto,
  CaseStudySectionDto,
  LIMITS,
  ReturnContentDto,
  ReturnTableDto,
} from '../../returns/src/index.js';
import {
  caseStudiesFromDrafts,
  caseStudyDraftsFromForm,
  editCaseStudies,
  editTables,
  formErrors,
  ratingFromForm,
  tableDrafts,
  tableDraftsFromForm,
  tablesFromDrafts,
} from './return-form.js';
import { errorInWords, RULE_WORDS, ruleKey } from './return-form-words.js';

describe('return form: the rules in plain words', () => {
  it('has words for every rule the validator of return content can produce', () => {
    const classes: [new () => object, string[]][] = [
      [ReturnContentDto, []],
      [ReturnTableDto, ['tables', '0']],
      [CaseStudyDto, ['caseStudies', '0']],
      [CaseStudySectionDto, ['caseStudies', '0', 'sections', '0']],
    ];
    const keys = classes.flatMap(([type, prefix]) =>
      getMetadataStorage()
        .getTargetValidationMetadatas(type, '', true, false)
        // ValidateIf only decides whether the others run; it never produces a message of its own.
        .filter((m) => m.type !== 'conditionalValidation')
        .map((m) => {
          const rule =
            m.type === 'customValidation'
              ? getMetadataStorage().getTargetValidatorConstraints(m.constraintCls)[0].name
              : m.type;
          return ruleKey([...prefix, m.propertyName], rule);
        }),
    );
    expect(keys.length).toBeGreaterThan(30);
    expect(keys.filter((k) => !RULE_WORDS[k])).toEqual([]);
  });

  it('says each broken rule of a typed return as a sentence, with the id of the field to fix', async () => {
    const errors = await formErrors({
      rag: 'purple' as never,
      narrative: 'x'.repeat(LIMITS.narrative + 1),
      dot: null,
      comments: 'y'.repeat(LIMITS.comments + 1),
      tables: [
        { caption: 'Fine', header: ['A'], rows: [['1']] },
        {
          caption: 'NEET',
          header: ['District', 'Rate'],
          rows: [
            ['a', 'b'],
            ['c', 'd'],
            ['e', 'f', 'g'],
          ],
        },
      ],
      caseStudies: [
        { title: 'Story', agency: 'CSP', sections: [{ heading: 'Start', body: 'z'.repeat(20_001) }] },
      ],
    });
    expect(errors).toEqual([
      { id: 'rag', text: 'Select a RAG rating: green, amber or red' },
      { id: 'narrative', text: 'Progress narrative must be 50,000 characters or fewer' },
      { id: 'comments', text: 'Comments on the direction of travel must be 5,000 characters or fewer' },
      { id: 'table-1-row-2-cell-0', text: 'Row 3 of table 2 has more cells than its header' },
      { id: 'case-0-section-0-body', text: 'Section 1 of case study 1 must be 20,000 characters or fewer' },
    ]);
  });

  it('names the cell that is too long, and never falls back to the validator’s wording', async () => {
    const errors = await formErrors({
      tables: [{ caption: 'c', header: ['A', 'h'.repeat(501)], rows: [['1', 'x'.repeat(501)]] }],
    });
    expect(errors.map((e) => e.text)).toEqual([
      'Heading 2 of table 1 must be 500 characters or fewer',
      'Cell 2 in row 1 of table 1 must be 500 characters or fewer',
    ]);
    expect(errors.map((e) => e.id)).toEqual(['table-0-head-1', 'table-0-row-0-cell-1']);
    expect(errorInWords(['mystery'], 'unknownRule', {})[0].text).not.toMatch(/mystery|unknownRule/);
  });
});

describe('return form: tables and case studies field by field', () => {
  const body = {
    'table-0-caption': ' NEET by district ',
    'table-0-head-0': 'District',
    'table-0-head-1': 'Mar 2019',
    'table-0-head-2': '',
    'table-0-row-0-cell-0': 'Sevenoaks',
    'table-0-row-0-cell-1': '2.1%',
    'table-0-row-0-cell-2': '',
    'table-0-row-1-cell-0': ' ',
    'table-0-row-1-cell-1': '',
    'table-0-row-1-cell-2': '',
    'table-0-row-2-cell-0': 'Swanley',
    'table-0-row-2-cell-1': '',
    'table-0-row-2-cell-2': '',
    'table-1-caption': '',
    'table-1-head-0': '',
    'table-1-row-0-cell-0': '',
  };

  it('reads the editor into tables: empty rows, empty right-hand columns and empty tables dropped', () => {
    expect(tablesFromDrafts(tableDraftsFromForm(body))).toEqual([
      {
        caption: 'NEET by district',
        header: ['District', 'Mar 2019'],
        rows: [
          ['Sevenoaks', '2.1%'],
          ['Swanley', ''],
        ],
      },
    ]);
  });

  it('keeps a blank row while the lead types, adds and removes rows, columns and tables', () => {
    const drafts = tableDraftsFromForm(body);
    expect(drafts[0].rows).toHaveLength(3);
    const added = editTables(drafts, 'add-row-0')!;
    expect(added[0].rows).toHaveLength(4);
    expect(added[0].rows[3]).toEqual(['', '', '']);
    const removed = editTables(added, 'remove-row-0-0')!;
    expect(removed[0].rows[0]).toEqual([' ', '', '']);
    expect(editTables(drafts, 'add-column-0')![0].header).toEqual(['District', 'Mar 2019', '', '']);
    expect(editTables(drafts, 'remove-column-0')![0].header).toEqual(['District', 'Mar 2019']);
    expect(editTables(drafts, 'add-table')).toHaveLength(3);
    expect(editTables(drafts, 'remove-table-0')!.map((t) => t.caption)).toEqual(['']);
    expect(editTables(drafts, 'save')).toBeNull();
    // The original is not changed by an edit.
    expect(drafts[0].rows).toHaveLength(3);
  });

  it('round-trips stored tables through the editor', () => {
    const stored = [
      {
        caption: 'Rates',
        header: ['A', 'B'],
        rows: [
          ['1', '2'],
          ['3', ''],
        ],
      },
    ];
    const fields: Record<string, string> = {};
    tableDrafts(stored).forEach((t, i) => {
      fields[`table-${i}-caption`] = t.caption;
      t.header.forEach((h, c) => (fields[`table-${i}-head-${c}`] = h));
      t.rows.forEach((r, j) => r.forEach((cell, c) => (fields[`table-${i}-row-${j}-cell-${c}`] = cell)));
    });
    expect(tablesFromDrafts(tableDraftsFromForm(fields))).toEqual(stored);
  });

  it('reads case studies section by section, dropping empty sections and empty case studies', () => {
    const drafts = caseStudyDraftsFromForm({
      'case-0-title': 'A family helped',
      'case-0-agency': 'Sevenoaks CSP',
      'case-0-section-0-heading': 'The beginning',
      'case-0-section-0-body': 'They came to us.\n\nIn need.',
      'case-0-section-1-heading': '',
      'case-0-section-1-body': ' ',
      'case-0-section-2-heading': 'The end',
      'case-0-section-2-body': 'All well.',
      'case-1-title': '',
      'case-1-agency': '',
      'case-1-section-0-heading': '',
      'case-1-section-0-body': '',
    });
    expect(caseStudiesFromDrafts(drafts)).toEqual([
      {
        title: 'A family helped',
        agency: 'Sevenoaks CSP',
        sections: [
          { heading: 'The beginning', body: 'They came to us.\n\nIn need.' },
          { heading: 'The end', body: 'All well.' },
        ],
      },
    ]);
    expect(editCaseStudies(drafts, 'add-section-0')![0].sections).toHaveLength(4);
    expect(editCaseStudies(drafts, 'remove-section-0-0')![0].sections[0].heading).toBe('');
    expect(editCaseStudies(drafts, 'remove-case-study-1')).toHaveLength(1);
    expect(editCaseStudies(drafts, 'add-case-study')).toHaveLength(3);
  });

  it('reads a textarea’s CRLF line breaks (and a lone CR) as LF, so its length counts as the page counted it', () => {
    expect(
      ratingFromForm({
        rag: 'amber',
        narrative: 'Fell.\r\n\r\n- Sevenoaks\r- Swanley',
        comments: 'KCC\r\ndata',
      }),
    ).toMatchObject({ narrative: 'Fell.\n\n- Sevenoaks\n- Swanley', comments: 'KCC\ndata' });
    const [study] = caseStudyDraftsFromForm({
      'case-0-title': 'A family',
      'case-0-agency': 'CSP',
      'case-0-section-0-heading': '',
      'case-0-section-0-body': 'They came to us.\r\n\r\nIn need.',
    });
    expect(study.sections[0].body).toBe('They came to us.\n\nIn need.');
    const [table] = tableDraftsFromForm({ 'table-0-caption': 'NEET', 'table-0-head-0': 'Yr12\r\nYr13' });
    expect(table.header).toEqual(['Yr12\nYr13']);
  });
});
