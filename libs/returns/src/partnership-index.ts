import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Which cycles and plans a partnership has, read from the events that started them: CycleDrafted and
 * PlanAdopted carry the partnership id, and the events_started_by_partnership index serves exactly these
 * queries. No read model to keep in step, so nothing to rebuild.
 */
@Injectable()
export class PartnershipIndex {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Every cycle of the partnership, in the order they were drafted. */
  cycleIds(partnershipId: string): Promise<string[]> {
    return this.ids('CycleDrafted', 'cycleId', partnershipId);
  }

  /** Every plan of the partnership, in the order they were adopted. */
  planIds(partnershipId: string): Promise<string[]> {
    return this.ids('PlanAdopted', 'planId', partnershipId);
  }

  /** The files the partnership's past cycles were recorded from, by hash: a file is recorded once. */
  async historicalSources(partnershipId: string): Promise<{ sha256: string; cycleId: string }[]> {
    const streams = (await this.cycleIds(partnershipId)).map((id) => `cycle:${id}`);
    const rows: { sha256: string; cycle_id: string }[] = await this.dataSource.query(
      `SELECT data->'source'->>'sha256' AS sha256, substr(stream_id, 7) AS cycle_id FROM events
       WHERE stream_id = ANY($1::text[]) AND type = 'CycleRecordedFromHistory'`,
      [streams],
    );
    return rows.map((r) => ({ sha256: r.sha256, cycleId: r.cycle_id }));
  }

  private async ids(type: 'CycleDrafted' | 'PlanAdopted', key: 'cycleId' | 'planId', partnershipId: string) {
    // The type is written into the SQL, not bound: only a literal lets PostgreSQL prove the partial index
    // applies, whichever plan (custom or generic) it picks.
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT data->>'${key}' AS id FROM events
       WHERE type = '${type}' AND data->>'partnershipId' = $1
       ORDER BY global_position`,
      [partnershipId],
    );
    return rows.map((r) => r.id);
  }
}
