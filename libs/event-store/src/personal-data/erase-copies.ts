import { ERASED, openText, SealedPersonal } from './personal-cipher.js';
import { openSealedFields } from './personal-fields.js';
import { KeySql } from './personal-keys.js';

/** Tables never scrubbed: the log itself (never rewritten: its values die with the key) and the keys. */
const KEPT = ['events', 'personal_keys', 'personal_data_secret', 'migrations'];

/**
 * What a person's sealed values say, read with their key just before it is deleted: their address(es) and
 * name(s) as every event has them. A scan over the log, once per forgetting, so nothing is missed.
 */
export async function clearValuesOf(sql: KeySql, personId: string, key: Buffer): Promise<Set<string>> {
  const values = new Set<string>();
  const rows: { data: unknown; metadata: unknown }[] = await sql.query(
    `SELECT data, metadata FROM events WHERE strpos(data::text, $1) > 0 OR strpos(metadata::text, $1) > 0`,
    [personId],
  );
  const open = (sealed: SealedPersonal) => {
    if (sealed.pii === personId) values.add(openText(sealed, key));
    return ERASED;
  };
  for (const row of rows) {
    openSealedFields(row.data, open);
    openSealedFields(row.metadata, open);
  }
  return values;
}

interface Column {
  table: string;
  column: string;
  kind: 'text' | 'json' | 'array';
  /** The table has a partnership_id column: its rows say whose they are. */
  scoped: boolean;
}

/** A PostgreSQL regular expression matching the text literally, in any case. */
const literally = (text: string) => text.replace(/[^A-Za-z0-9]/g, (c) => `\\${c}`);
const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * An address as a whole: not the tail of a longer one ("x@a.org" inside "reviewer.x@a.org") nor the head of a longer
 * domain ("x@a.org" inside "x@a.org.uk"); a full stop after it that ends a sentence is not part of it. A `*` before
 * it is Markdown's emphasis ("**x@a.org**" in a narrative), not the start of a longer address: one starting so is
 * allowed but never seen, where a bold address in a narrative is common.
 */
export const wholeAddress = (email: string) =>
  `(?<![A-Za-z0-9.!#$%&'+/=?^_\`{|}~-])${literally(email)}(?![A-Za-z0-9-])(?!\\.[A-Za-z0-9])`;

/** Columns that name things rather than people: ids, hashes and keys are never a person's name. */
const NAMES_NOTHING = /(^id$|_id$|_hash$|_key$|^partnership_id$)/;

/**
 * Outside the log, copies of a forgotten person's values may sit in any table: read models (contacts, chase
 * mails), sessions, the mail ledger's owed jobs, idempotent answers, caught development mail. Every text, JSON
 * and text-array column of every table is searched, and only what is the forgetting partnership's is changed:
 * in a table with a partnership_id, its rows alone. There an address is replaced wherever it occurs whole, and a
 * name where it is the whole value (a short name inside other words is not theirs), never in an id. A table
 * that does not say whose a row is gets the address replaced (the person is known to these partnerships alone:
 * ForgetPersonHandler refuses anyone another partnership knows), and a name only in a row that also holds their
 * address, where it is then theirs as a whole word anywhere in the row's text, so that a name a coordinator
 * chose ("submitted", another partnership's id) cannot rewrite rows that are not about the person. A row whose replacement would break a unique rule (two forgotten people under one
 * key) is deleted instead: such rows are copies, and read models are rebuilt from the events anyway. Returns the
 * number of rows changed or deleted.
 */
export async function eraseCopies(
  sql: KeySql,
  partnershipIds: readonly string[],
  values: { emails: readonly string[]; names: readonly string[] },
  /** Tables another layer erases its own way (publications are re-issued, not rewritten: see erasePerson). */
  leave: readonly string[] = [],
): Promise<number> {
  const columns: Column[] = (await sql.query(
    `SELECT c.table_name AS table, c.column_name AS column,
              CASE WHEN c.data_type IN ('json', 'jsonb') THEN 'json'
                   WHEN c.data_type = 'ARRAY' THEN 'array' ELSE 'text' END AS kind,
              EXISTS (SELECT 1 FROM information_schema.columns p
                      WHERE p.table_schema = c.table_schema AND p.table_name = c.table_name
                        AND p.column_name = 'partnership_id') AS scoped
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
       WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
         AND (c.data_type IN ('text', 'character varying', 'json', 'jsonb')
              OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))
         AND NOT (c.table_name = ANY($1::text[]))
       ORDER BY c.table_name, c.ordinal_position`,
    [[...KEPT, ...leave]],
  )) as Column[];
  const addresses = values.emails.map(wholeAddress);
  let changed = 0;
  const tables = [...new Set(columns.map((c) => c.table))];
  for (const table of tables) {
    const own = columns.filter((c) => c.table === table);
    const t = quoted(table);
    // $1 and $2 are each statement's own; the row's owner is $3, or (unscoped) its holding an address, $3 on.
    // The row's own texts, each as its values read: a whole row cast to text writes an array as
    // {x@a.org}, where the brace (a character an address may hold) hides the address from wholeAddress, so a
    // caught mail whose recipients are a text[] never counted as being about its recipient.
    const rowText = `concat_ws(chr(31), ${own
      .map((c) =>
        c.kind === 'array'
          ? `array_to_string(r.${quoted(c.column)}, chr(31))`
          : `r.${quoted(c.column)}::text`,
      )
      .join(', ')})`;
    const whose = own[0].scoped
      ? { where: 'r.partnership_id = ANY($3::text[])', params: [partnershipIds] }
      : {
          where: `(${addresses.map((_, i) => `${rowText} ~* $${i + 3}`).join(' OR ') || 'false'})`,
          params: addresses,
        };
    // Names first: in an unscoped table the row's address says it is about the person, until it is replaced.
    for (const { column, kind } of own) {
      if (NAMES_NOTHING.test(column)) continue;
      const c = `r.${quoted(column)}`;
      for (const name of values.names) {
        if (kind !== 'array' && !own[0].scoped) {
          // A row that holds their address is about them: their name is theirs inside its text too ("Dear Jo
          // Smith," in a caught mail), as a whole word.
          const word = `(?<![[:alnum:]_])${literally(name)}(?![[:alnum:]_])`;
          const cast = kind === 'json' ? `::${await typeOf(sql, table, column)}` : '';
          changed += await replaceOrDelete(
            sql,
            t,
            `${quoted(column)} = regexp_replace(${c}::text, $1, $2, 'g')${cast}`,
            `${c}::text ~ $1 AND ${whose.where}`,
            [word, ERASED, ...whose.params],
          );
        } else if (kind === 'text') {
          changed += await replaceOrDelete(sql, t, `${quoted(column)} = $2`, `${c} = $1 AND ${whose.where}`, [
            name,
            ERASED,
            ...whose.params,
          ]);
        } else if (kind === 'json') {
          // A JSON string whose whole value is the name, wherever it sits in the document.
          const set = `regexp_replace(${c}::text, $1, $2, 'g')::${await typeOf(sql, table, column)}`;
          changed += await replaceOrDelete(
            sql,
            t,
            `${quoted(column)} = ${set}`,
            `${c}::text ~ $1 AND ${whose.where}`,
            [literally(JSON.stringify(name)), JSON.stringify(ERASED), ...whose.params],
          );
        } else {
          const set = `ARRAY(SELECT CASE WHEN x = $1 THEN $2 ELSE x END FROM unnest(${c}) WITH ORDINALITY AS u(x, o) ORDER BY o)`;
          changed += await replaceOrDelete(
            sql,
            t,
            `${quoted(column)} = ${set}`,
            `$1 = ANY(${c}) AND ${whose.where}`,
            [name, ERASED, ...whose.params],
          );
        }
      }
    }
    for (const { column, kind } of own) {
      const c = `r.${quoted(column)}`;
      const asText = kind === 'json' ? `${c}::text` : kind === 'array' ? `array_to_string(${c}, chr(31))` : c;
      for (const pattern of addresses) {
        const set =
          kind === 'json'
            ? `regexp_replace(${c}::text, $1, $2, 'gi')::${await typeOf(sql, table, column)}`
            : kind === 'array'
              ? `ARRAY(SELECT regexp_replace(x, $1, $2, 'gi') FROM unnest(${c}) WITH ORDINALITY AS u(x, o) ORDER BY o)`
              : `regexp_replace(${c}, $1, $2, 'gi')`;
        const scope = own[0].scoped ? [partnershipIds] : [];
        changed += await replaceOrDelete(
          sql,
          t,
          `${quoted(column)} = ${set}`,
          `${asText} ~* $1${own[0].scoped ? ' AND r.partnership_id = ANY($3::text[])' : ''}`,
          [pattern, ERASED, ...scope],
        );
      }
    }
  }
  return changed;
}

async function typeOf(sql: KeySql, table: string, column: string): Promise<string> {
  const rows: { data_type: string }[] = await sql.query(
    `SELECT data_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return rows[0].data_type;
}

/**
 * The update, or (when it would break a unique rule) the delete of the rows it names, behind a savepoint. `where`
 * names the table `r` and may use every parameter but $2 (the replacement, which the delete does without).
 */
async function replaceOrDelete(
  sql: KeySql,
  table: string,
  set: string,
  where: string,
  params: unknown[],
): Promise<number> {
  await sql.query('SAVEPOINT erase_copies');
  try {
    const n = await counted(sql, `UPDATE ${table} AS r SET ${set} WHERE ${where}`, params);
    await sql.query('RELEASE SAVEPOINT erase_copies');
    return n;
  } catch (error) {
    await sql.query('ROLLBACK TO SAVEPOINT erase_copies');
    if ((error as { code?: string }).code !== '23505') throw error;
    // The replacement, $2, is named only so that the parameters after it keep their numbers.
    const n = await counted(sql, `DELETE FROM ${table} AS r WHERE ${where} AND $2::text IS NOT NULL`, params);
    await sql.query('RELEASE SAVEPOINT erase_copies');
    return n;
  }
}

/** Rows an UPDATE or DELETE touched, asked as a SELECT (TypeORM answers those two commands in its own shape). */
async function counted(sql: KeySql, statement: string, params: unknown[]): Promise<number> {
  const rows: { n: number }[] = await sql.query(
    `WITH touched AS (${statement} RETURNING 1) SELECT count(*)::int AS n FROM touched`,
    params,
  );
  return rows[0].n;
}
