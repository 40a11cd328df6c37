/**
 * Files that back a return's narratives: monitoring sheets, case-study photographs, survey results.
 * The bytes live in an evidence store (see EvidenceStorage); the events say which file, what it is, and its
 * SHA-256, so the log can prove which bytes were attached even after they are removed.
 */
export type EvidenceEvent =
  | {
      type: 'EvidenceAttached';
      data: {
        /** `e1`, `e2`...: the return's own numbering, safe in a path. */
        evidenceId: string;
        returnId: string;
        agencyId: string;
        /** The name as uploaded, after refusing path parts and control characters; shown, never used as a path. */
        fileName: string;
        /** What the lead calls it (defaults to the file name): what the report prints where it lists evidence. */
        title: string;
        /** Decided by sniffing the content, never by the name or the declared type. */
        mediaType: string;
        /** The extension that goes with `mediaType` (`pdf`, `docx`, `png`...), used for downloads. */
        extension: string;
        bytes: number;
        /** Hex SHA-256 of the bytes, computed as they were streamed in. */
        sha256: string;
        /** Where the storage put the bytes; opaque to everything but the storage. */
        storageKey: string;
        attachedAt: string;
      };
    }
  | {
      type: 'EvidenceRemoved';
      data: { evidenceId: string; reason: string | null; removedAt: string };
    }
  | {
      /** The coordinator's choice: list this file, by title only, in the published report. */
      type: 'EvidenceReportChoiceMade';
      data: { evidenceId: string; inReport: boolean; chosenAt: string };
    };

export type EvidenceEventType = EvidenceEvent['type'];

/**
 * A stream of its own, so that attaching a file never moves the return's version (the lead's open form stays
 * current, as with the conversation).
 */
export const evidenceStreamId = (returnId: string) => `evidence:${returnId}`;
