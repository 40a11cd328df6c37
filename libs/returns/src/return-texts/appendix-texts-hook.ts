import { registerEventStoreHook } from '../../../event-store/src/index.js';
import { APPENDIX_STUDY_EVENT_TYPES, holdStudyTexts, mapStudyTexts, studyRefs } from './appendix-texts.js';
import { heldTextsHook } from './held-texts-hook.js';
import { isTextRef } from './return-text-fields.js';
import { MISSING_TEXT } from './return-texts.table.js';

const APPENDICES_STREAM = 'appendices:';

/**
 * The case studies a coordinator enters in a cycle's appendices (the seed's Appendix 2 names young people): their
 * title and section bodies held apart in return_texts as a return's texts are (RETURN_TEXTS_HOOK), so a passage
 * can be redacted without rewriting an event row. A hook on every EventStore, registered when this lib loads.
 */
export const APPENDIX_TEXTS_HOOK = heldTextsHook({
  name: 'appendix-texts',
  holds: (streamId, type) => streamId.startsWith(APPENDICES_STREAM) && APPENDIX_STUDY_EVENT_TYPES.has(type),
  field: 'study',
  hold: holdStudyTexts,
  refs: (study) => studyRefs(study).map((r) => r.textId),
  putBack: (study, texts) =>
    mapStudyTexts(study, (value) => (isTextRef(value) ? (texts.get(value.textId) ?? MISSING_TEXT) : value)),
});

registerEventStoreHook(APPENDIX_TEXTS_HOOK);
