import { loadConfig } from '../libs/config/src/index.js';
import { openDatabase } from '../libs/database/src/index.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { SCHEMA } from '../apps/composition/src/index.js';
import {
  parsePersonForgetArgs,
  PERSON_FORGET_USAGE,
  PersonForgetRefused,
  runPersonForget,
} from './person-forget-command.js';

/** The service operator forgets a person in every partnership hosted here (see the README's Personal data). */
async function main(): Promise<number> {
  if (process.argv.length <= 2) {
    console.error(PERSON_FORGET_USAGE);
    return 2;
  }
  const args = parsePersonForgetArgs(process.argv.slice(2));
  const dataSource = await openDatabase(loadConfig().databaseUrl, SCHEMA);
  try {
    for (const line of await runPersonForget(dataSource, new SystemClock(), args)) console.log(line);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`person:forget: ${error.message.split('\n')[0]}`);
    process.exit(error instanceof PersonForgetRefused ? error.exitCode : 1);
  },
);
