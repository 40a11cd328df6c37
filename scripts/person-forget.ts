import { runDatabaseCommand } from './database-command.js';
import {
  parsePersonForgetArgs,
  PERSON_FORGET_USAGE,
  PersonForgetRefused,
  runPersonForget,
} from './person-forget-command.js';

/** The service operator forgets a person in every partnership hosted here (see the README's Personal data). */
runDatabaseCommand({
  name: 'person:forget',
  usage: PERSON_FORGET_USAGE,
  parse: parsePersonForgetArgs,
  run: runPersonForget,
  refused: PersonForgetRefused,
});
