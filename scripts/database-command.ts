import { DataSource } from 'typeorm';
import { loadConfig } from '../libs/config/src/index.js';
import { didNotAnswer, openDatabase } from '../libs/database/src/index.js';
import { Clock, SystemClock } from '../libs/kernel/src/index.js';
import { SCHEMA } from '../apps/composition/src/index.js';

/**
 * The shell of a command that reads its arguments, does one thing on the database and prints lines: the usage
 * when run bare (exit 2), a refusal in one line named by the command (its own exit code), anything else in one
 * line (exit 1). `parse` and `run` are the command's own, tested without a process.
 */
export function runDatabaseCommand<A>(command: {
  name: string;
  usage: string;
  parse: (argv: readonly string[]) => A;
  run: (dataSource: DataSource, clock: Clock, args: A) => Promise<string[]>;
  refused: abstract new (...args: never[]) => Error & { exitCode: number };
}): void {
  const main = async (): Promise<number> => {
    if (process.argv.length <= 2) {
      console.error(command.usage);
      return 2;
    }
    const args = command.parse(process.argv.slice(2));
    const config = loadConfig();
    // Each of these does a few short statements: each is given up after DATABASE_QUERY_TIMEOUT_MS, as the api's
    // are, rather than the command waiting without end on a PostgreSQL that stopped answering mid-way.
    const queryTimeoutMs = config.databaseQueryTimeoutMs;
    const dataSource = await openDatabase(config.databaseUrl, SCHEMA, { create: false, queryTimeoutMs });
    try {
      for (const line of await command.run(dataSource, new SystemClock(), args)) console.log(line);
      return 0;
    } catch (error) {
      throw didNotAnswer(error, queryTimeoutMs) ?? error;
    } finally {
      await dataSource.destroy().catch(() => undefined);
    }
  };
  main().then(
    (code) => process.exit(code),
    (error: Error) => {
      console.error(`${command.name}: ${error.message.split('\n')[0]}`);
      process.exit(error instanceof command.refused ? error.exitCode : 1);
    },
  );
}
