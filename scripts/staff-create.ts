import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { AuthService, STAFF_ROLES, StaffRole } from '../libs/auth/src/index.js';
import { loadConfig, SystemClock } from '../libs/config/src/index.js';
import { openDatabase } from '../libs/database/src/index.js';

const USAGE = `Usage: npm run staff:create -- --partnership <id> --email <email> --name "<name>" [--role coordinator|reviewer|viewer]
The password is read from STAFF_PASSWORD, or generated and printed once.`;

/** Creates a staff account: how the first coordinator of a partnership gets in. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      partnership: { type: 'string' },
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', default: 'coordinator' },
    },
  });
  if (
    !values.partnership ||
    !values.email ||
    !values.name ||
    !STAFF_ROLES.includes(values.role as StaffRole)
  ) {
    console.error(USAGE);
    return 2;
  }
  const generated = !process.env.STAFF_PASSWORD;
  const password = process.env.STAFF_PASSWORD ?? randomBytes(15).toString('base64url');
  const dataSource = await openDatabase(loadConfig().databaseUrl);
  try {
    await new AuthService(dataSource, new SystemClock()).createStaff({
      partnershipId: values.partnership,
      email: values.email,
      name: values.name,
      role: values.role as StaffRole,
      password,
    });
    console.log(`Created ${values.role} ${values.email.toLowerCase()} in ${values.partnership}.`);
    if (generated) console.log(`Password (shown once, change it after signing in): ${password}`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.message);
    process.exit(1);
  },
);
