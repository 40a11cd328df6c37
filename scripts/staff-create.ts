import { randomBytes } from 'node:crypto';
import { loadConfig } from '../libs/config/src/index.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { openDatabase } from '../libs/database/src/index.js';
import {
  createStaffAccount,
  parseStaffCreateArgs,
  STAFF_CREATE_USAGE,
  StaffCreateRefused,
} from './staff-create-command.js';
import { SCHEMA } from '../apps/composition/src/index.js';

/** Creates a staff account: how the first coordinator of a partnership gets in. */
async function main(): Promise<number> {
  if (process.argv.length <= 2) {
    console.error(STAFF_CREATE_USAGE);
    return 2;
  }
  const args = parseStaffCreateArgs(process.argv.slice(2));
  const generated = !process.env.STAFF_PASSWORD;
  const password = process.env.STAFF_PASSWORD ?? randomBytes(15).toString('base64url');
  const dataSource = await openDatabase(loadConfig().databaseUrl, SCHEMA);
  try {
    await createStaffAccount(dataSource, new SystemClock(), args, password);
    console.log(`Created ${args.role} ${args.email.toLowerCase()} in ${args.partnershipId}.`);
    if (generated) console.log(`Password (shown once, change it after signing in): ${password}`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`staff:create: ${error.message.split('\n')[0]}`);
    process.exit(error instanceof StaffCreateRefused ? error.exitCode : 1);
  },
);
