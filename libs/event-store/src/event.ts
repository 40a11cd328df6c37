/** An event as the domain produces it: an explicit type string (never a class name) and plain JSON data. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
  /** Schema version of `data`; upcasters lift older versions when reading. Defaults to 1. */
  schemaVersion?: number;
}

/** Who did it and why it happened, stored beside every event. */
export interface EventMetadata {
  actorId: string;
  actorRole: string;
  correlationId: string;
  causationId?: string | null;
  reason?: string | null;
}

export interface StoredEvent<E extends NewEvent = NewEvent> {
  globalPosition: number;
  streamId: string;
  version: number;
  type: E['type'];
  schemaVersion: number;
  data: E['data'];
  metadata: EventMetadata;
  recordedAt: Date;
  /** PostgreSQL transaction id (xid8) as a decimal string: the subscribers' fence. */
  transactionId: string;
}

/** Where a subscriber has read up to: events are ordered by (transaction id, global position). */
export interface Checkpoint {
  transactionId: string;
  globalPosition: number;
}

export const START: Checkpoint = Object.freeze({ transactionId: '0', globalPosition: 0 });

/** 'no_stream': must be new; 'any': append wherever it is; a number: the version of the stream's last event. */
export type ExpectedVersion = 'no_stream' | 'any' | number;
