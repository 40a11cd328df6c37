// What the rest of the product uses of personal data: the [erased] word, the keys (to find a person by address)
// and forgetting one. Sealing and opening happen inside the event store and are not exported.
export { ERASED } from './personal-cipher.js';
export { PersonalKeys } from './personal-keys.js';
export type { KeySql } from './personal-keys.js';
export { erasePerson } from './erase-person.js';
export { wholeAddress } from './erase-copies.js';
export type { ErasedPerson } from './erase-person.js';
export { withKnownPeople } from './known-people.js';
