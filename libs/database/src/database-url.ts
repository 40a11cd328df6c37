/** The database a `postgres://…/<name>` URL names: its path, decoded. */
export const databaseName = (databaseUrl: string): string =>
  decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));

/** `postgres://…/<name>` with another database name. */
export function withDatabaseName(databaseUrl: string, name: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  return url.toString();
}
