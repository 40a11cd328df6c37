import { BI_ROLE_USAGE, BiRoleRefused, parseBiRoleArgs, runBiRole } from './bi-role-command.js';
import { runDatabaseCommand } from './database-command.js';

/** Creates, rotates or drops a partnership's BI role from the command line (see the README's BI feed). */
runDatabaseCommand({
  name: 'bi:role',
  usage: BI_ROLE_USAGE,
  parse: parseBiRoleArgs,
  run: runBiRole,
  refused: BiRoleRefused,
});
