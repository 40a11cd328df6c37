import { narrativeText } from '../../../reporting/src/index.js';
import { ReturnContent } from '../../../returns/src/index.js';

/**
 * A text typed in the officers' Markdown as a reader of the report reads it: the plain text of the shared
 * reading (narrativeText: Word's bullets and tabs, `- ` and `* ` all "•", emphasis marks gone, indents that
 * mean nothing dropped), with the runs of spaces and tabs inside a line that a page shows as one space shown as
 * one. Indents that mean a nested bullet stay.
 */
export function textAsRead(markdown: string): string {
  return narrativeText(markdown)
    .split('\n')
    .map((line) => line.replace(/(\S)[ \t]+/g, '$1 ').trimEnd())
    .join('\n');
}

/**
 * A return's content with its Markdown texts (the narrative, each case study section's body) as a reader sees
 * them, for comparing two versions: compared as typed, a narrative only pasted again from Word (tabs, "•",
 * other spaces) showed as changed, and a real change showed the marks typed rather than the words read.
 */
export function contentAsRead(content: ReturnContent): ReturnContent {
  return {
    ...content,
    ...(content.narrative ? { narrative: textAsRead(content.narrative) } : {}),
    ...(content.caseStudies
      ? {
          caseStudies: content.caseStudies.map((study) => ({
            ...study,
            sections: study.sections.map((section) => ({ ...section, body: textAsRead(section.body) })),
          })),
        }
      : {}),
  };
}
