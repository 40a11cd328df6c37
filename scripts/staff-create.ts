import { randomBytes } from 'node:crypto';
import { runDatabaseCommand } from './database-command.js';
import {
  createStaffAccount,
  parseStaffCreateArgs,
  STAFF_CREATE_USAGE,
  StaffCreateRefused,
} from './staff-create-command.js';

/** Creates a staff account: how the first coordinator of a partnership gets in. */
runDatabaseCommand({
  name: 'staff:create',
  usage: STAFF_CREATE_USAGE,
  // The password comes from the environment, never the command line (which `ps` shows to everyone).
  parse: (argv) => ({
    args: parseStaffCreateArgs(argv),
    password: process.env.STAFF_PASSWORD ?? randomBytes(15).toString('base64url'),
    generated: !process.env.STAFF_PASSWORD,
  }),
  run: async (dataSource, clock, { args, password, generated }) => {
    await createStaffAccount(dataSource, clock, args, password);
    return [
      `Created ${args.role} ${args.email.toLowerCase()} in ${args.partnershipId}.`,
      ...(generated ? [`Password (shown once, change it after signing in): ${password}`] : []),
    ];
  },
  refused: StaffCreateRefused,
});
