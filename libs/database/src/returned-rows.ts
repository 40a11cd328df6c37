/**
 * The rows an `UPDATE` or `DELETE ... RETURNING` gave through TypeORM's `query()`: for those two commands it
 * answers `[rows, affected count]` rather than the rows (a `SELECT` or `INSERT` gives the rows), so taking the answer
 * as the rows counted two whatever the statement matched.
 */
export function returnedRows<Row>(answer: unknown): Row[] {
  if (
    Array.isArray(answer) &&
    answer.length === 2 &&
    Array.isArray(answer[0]) &&
    typeof answer[1] === 'number'
  )
    return answer[0] as Row[];
  return answer as Row[];
}
