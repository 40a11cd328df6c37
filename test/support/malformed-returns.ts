/** JSON nested `depth` deep: an array holding an array holding... the innermost holding `inner`. */
export function nested(depth: number, inner: unknown = 'deep'): unknown {
  let value: unknown = inner;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

export interface MalformedReturn {
  /** What a ReturnApproved event's data holds, written straight into the log. */
  data: Record<string, unknown>;
  /** The parts the report must mark, in the order it marks them. */
  unreadable: string[];
  /** Text the report must still show: the valid parts. */
  shown: string[];
}

const fine = { rag: 'green', narrative: 'Valid words stay', dot: 'improving' };

/**
 * Stored approvals no report may fail on, one per measure of a test cycle: arrays where objects belong, null
 * and missing fields, wrong types, unknown RAG and DOT values, huge strings, characters no format can carry,
 * deep nesting. (NUL and unpaired surrogates cannot be stored at all: PostgreSQL's jsonb refuses them.)
 */
export const MALFORMED: Record<string, MalformedReturn> = {
  'caseStudies: [[]]': {
    data: { by: 'rita@example.org', content: { ...fine, caseStudies: [[]] } },
    unreadable: ['caseStudies/0'],
    shown: ['Valid words stay'],
  },
  'tables: [[]]': {
    data: { by: 'rita@example.org', content: { ...fine, tables: [[]] } },
    unreadable: ['tables/0'],
    shown: ['Valid words stay'],
  },
  'content null': {
    data: { by: 'rita@example.org', content: null },
    unreadable: [''],
    shown: [],
  },
  'content missing, approver missing': {
    data: {},
    unreadable: ['approvedBy', ''],
    shown: [],
  },
  'content an array': {
    data: { by: 'rita@example.org', content: [fine] },
    unreadable: [''],
    shown: [],
  },
  'unknown RAG and DOT values': {
    data: { by: 'rita@example.org', content: { ...fine, rag: 'purple', dot: 'sideways' } },
    unreadable: ['rag', 'dot'],
    shown: ['Valid words stay'],
  },
  'wrong types everywhere': {
    data: {
      by: { name: 'rita' },
      content: {
        rag: 5,
        dot: ['improving'],
        narrative: 42,
        comments: { text: 'x' },
        tables: 'one',
        caseStudies: 7,
      },
    },
    unreadable: ['approvedBy', 'rag', 'dot', 'narrative', 'comments', 'tables', 'caseStudies'],
    shown: [],
  },
  'a table with wrong parts': {
    data: {
      by: 'rita@example.org',
      content: {
        ...fine,
        tables: [
          {
            caption: 7,
            header: 'District',
            rows: [['Sevenoaks', 5], 'a row', [['deep']], ['Swanley', 'fine']],
          },
          { caption: 'Second table', header: ['Ward'], rows: [['Edenbridge']] },
        ],
      },
    },
    unreadable: [
      'tables/0/caption',
      'tables/0/header',
      'tables/0/rows/0/1',
      'tables/0/rows/1',
      'tables/0/rows/2/0',
    ],
    shown: ['Valid words stay', 'Swanley', 'Second table', 'Edenbridge'],
  },
  'a case study with wrong parts': {
    data: {
      by: 'rita@example.org',
      content: {
        ...fine,
        caseStudies: [
          {
            title: null,
            agency: 5,
            sections: [
              null,
              { heading: [], body: {} },
              { heading: 'The end', body: 'The case study ends well' },
            ],
          },
        ],
      },
    },
    unreadable: [
      'caseStudies/0/title',
      'caseStudies/0/agency',
      'caseStudies/0/sections/0',
      'caseStudies/0/sections/1/heading',
      'caseStudies/0/sections/1/body',
    ],
    shown: ['Valid words stay', 'The case study ends well'],
  },
  'huge strings': {
    data: {
      by: 'rita@example.org',
      content: {
        ...fine,
        narrative: `Huge start ${'many words '.repeat(20_000)}`,
        comments: 'y'.repeat(100_000),
      },
    },
    unreadable: ['narrative', 'comments'],
    shown: ['Huge start'],
  },
  'characters no format can carry': {
    data: {
      by: 'rita@example.org',
      content: { ...fine, narrative: 'Con\u0001trol\u001b cha\ufffers\uffff stay' },
    },
    unreadable: [],
    shown: ['Control chars stay'],
  },
  'deep nesting': {
    data: {
      by: 'rita@example.org',
      content: {
        ...fine,
        narrative: `${'>'.repeat(3000)} Deep quotes stay\n\n${'- '.repeat(3000)}deep bullets`,
        tables: nested(3000),
        caseStudies: [{ title: 'Deep', agency: 'Kent Police', sections: nested(3000) }],
      },
    },
    unreadable: ['tables/0', 'caseStudies/0/sections/0'],
    shown: ['Deep quotes stay'],
  },
  'more tables than allowed': {
    data: {
      by: 'rita@example.org',
      content: {
        ...fine,
        tables: Array.from({ length: 25 }, (_, i) => ({
          caption: `Table ${i + 1}`,
          header: ['a'],
          rows: [],
        })),
      },
    },
    unreadable: ['tables'],
    shown: ['Valid words stay', 'Table 20'],
  },
};
