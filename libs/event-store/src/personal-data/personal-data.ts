import { EventMetadata, NewEvent } from '../event.js';
import { openText, SealedPersonal, sealText } from './personal-cipher.js';
import {
  normalEmail,
  openSealedFields,
  personalEmailsIn,
  sealedPeopleIn,
  sealPersonalFields,
} from './personal-fields.js';
import { KeySql, PersonalKeys } from './personal-keys.js';

/** What is read back from a row: its data and metadata, opened in place. */
interface StoredParts {
  data: unknown;
  metadata: unknown;
}

/**
 * The event store's two steps for personal data: `seal` on the way in (the one write-side function) and `open`
 * on the way out (the one read-side function, like an upcaster run after reading). Between them, event rows hold
 * no name or address in the clear, only values sealed with their person's key.
 */
export class PersonalData {
  constructor(readonly keys: PersonalKeys = new PersonalKeys()) {}

  /** The events and metadata as they are stored: unchanged (the same objects) when nothing in them is personal. */
  async seal(
    events: readonly NewEvent[],
    metadata: EventMetadata,
    sql: KeySql,
  ): Promise<{ events: readonly NewEvent[]; metadata: EventMetadata }> {
    const [sealed] = await this.sealMany([{ events, metadata }], sql);
    return sealed;
  }

  /** seal() for several appends at once, with one query for the keys of every address in them. */
  async sealMany(
    appends: readonly { events: readonly NewEvent[]; metadata: EventMetadata }[],
    sql: KeySql,
  ): Promise<{ events: readonly NewEvent[]; metadata: EventMetadata }[]> {
    const emails = new Set<string>();
    for (const a of appends) {
      personalEmailsIn(a.metadata, emails);
      for (const event of a.events) personalEmailsIn(event.data, emails);
    }
    if (emails.size === 0) return [...appends];
    const keys = await this.keys.forEmails(sql, [...emails]);
    const seal = (owner: string, text: string): SealedPersonal => {
      const { personId, key } = keys.get(normalEmail(owner))!;
      return sealText(personId, key, text);
    };
    return appends.map((a) => ({
      events: a.events.map((e) => ({ ...e, data: sealPersonalFields(e.data, seal) })),
      metadata: sealPersonalFields(a.metadata, seal) as EventMetadata,
    }));
  }

  /** Opens every sealed value of the rows in place, with one query for the keys: [erased] where one is gone. */
  async open(rows: readonly StoredParts[], sql: KeySql): Promise<void> {
    const people = new Set<string>();
    for (const row of rows) {
      sealedPeopleIn(row.data, people);
      sealedPeopleIn(row.metadata, people);
    }
    if (people.size === 0) return;
    const keys = await this.keys.byIds(sql, [...people]);
    const open = (sealed: SealedPersonal) => openText(sealed, keys.get(sealed.pii) ?? null);
    for (const row of rows) {
      row.data = openSealedFields(row.data, open);
      row.metadata = openSealedFields(row.metadata, open);
    }
  }
}
