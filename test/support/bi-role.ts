import { Client } from 'pg';

/** What POST /partnership/bi-access hands a coordinator once: the role to give Power BI or Excel. */
export interface Granted {
  role: string;
  password: string;
  database: string;
  version?: number;
}

/**
 * Connections as partnerships' BI roles, over a real pg connection to the test's server, as a BI tool makes
 * them; `end` closes every one made.
 */
export function biConnections(serverUrl: () => string) {
  const clients: Client[] = [];
  return {
    async connect(who: Granted): Promise<Client> {
      const url = new URL(serverUrl());
      const client = new Client({
        host: url.hostname,
        port: Number(url.port || 5432),
        database: who.database,
        user: who.role,
        password: who.password,
      });
      // A session the server ends (a rotation) must not bring the test process down.
      client.on('error', () => undefined);
      await client.connect();
      clients.push(client);
      return client;
    },
    end: () => Promise.all(clients.map((c) => c.end().catch(() => undefined))),
  };
}
