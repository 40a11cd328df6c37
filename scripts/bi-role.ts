import { loadConfig } from '../libs/config/src/index.js';
import { openDatabase } from '../libs/database/src/index.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { SCHEMA } from '../apps/composition/src/index.js';
import { BI_ROLE_USAGE, BiRoleRefused, parseBiRoleArgs, runBiRole } from './bi-role-command.js';

/** Creates, rotates or drops a partnership's BI role from the command line (see the README's BI feed). */
async function main(): Promise<number> {
  if (process.argv.length <= 2) {
    console.error(BI_ROLE_USAGE);
    return 2;
  }
  const args = parseBiRoleArgs(process.argv.slice(2));
  const dataSource = await openDatabase(loadConfig().databaseUrl, SCHEMA);
  try {
    for (const line of await runBiRole(dataSource, new SystemClock(), args)) console.log(line);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`bi:role: ${error.message.split('\n')[0]}`);
    process.exit(error instanceof BiRoleRefused ? error.exitCode : 1);
  },
);
