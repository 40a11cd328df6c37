import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The people one unit of work (an HTTP request, or a batch of mails) has already read from personal_keys, by the
 * keyed hash of their address: a command reads its return (opening the lead's sealed address) and then appends an
 * event whose metadata names the same lead, and the append need not ask the table again (measured: 1.5 key
 * queries a command, of about eleven statements); a batch of mails seals its claims and then each outcome for the
 * same recipients (1.5 key queries a mail before).
 *
 * Only what the table itself answered is kept, by the row's own lookup, so an address is never tied to a person by
 * anything but the table. Nothing outlives the unit of work: a person forgotten meanwhile is a race the append
 * already had between its key query and its commit, no wider; and there is nothing to go stale across requests,
 * processes or a restored database.
 */
const scope = new AsyncLocalStorage<Map<string, PersonalKey>>();

/** A person as personal_keys answers: their id and key. Defined here, where personal-keys.ts can import it. */
export interface PersonalKey {
  personId: string;
  key: Buffer;
}

/** Runs `work` as one unit of work with its own (empty) set of known people. */
export function withKnownPeople<T>(work: () => T): T {
  return scope.run(new Map(), work);
}

/** The people the current unit of work has read, or undefined outside one. */
export function knownPeople(): Map<string, PersonalKey> | undefined {
  return scope.getStore();
}
