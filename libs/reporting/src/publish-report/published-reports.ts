import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface Publication {
  cycleId: string;
  publication: number;
  contentHash: string;
  /** The report's JSON exactly as hashed and published. */
  body: string;
  publishedAt: Date;
  publishedBy: string;
}

interface Row {
  cycle_id: string;
  publication: number;
  content_hash: string;
  body: string;
  published_at: Date;
  published_by: string;
}

const toPublication = (r: Row): Publication => ({
  cycleId: r.cycle_id,
  publication: r.publication,
  contentHash: r.content_hash,
  body: r.body,
  publishedAt: r.published_at,
  publishedBy: r.published_by,
});

/** The frozen publications of reports, one row per ReportPublished event, written in the same transaction. */
@Injectable()
export class PublishedReports {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** "latest" or a publication number. */
  async find(cycleId: string, which: string): Promise<Publication | null> {
    const rows: Row[] = await this.dataSource.query(
      which === 'latest'
        ? `SELECT * FROM published_reports WHERE cycle_id = $1 ORDER BY publication DESC LIMIT 1`
        : `SELECT * FROM published_reports WHERE cycle_id = $1 AND publication = $2`,
      which === 'latest' ? [cycleId] : [cycleId, Number(which)],
    );
    return rows.length > 0 ? toPublication(rows[0]) : null;
  }

  async list(cycleId: string): Promise<Omit<Publication, 'body'>[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT cycle_id, publication, content_hash, published_at, published_by FROM published_reports
       WHERE cycle_id = $1 ORDER BY publication`,
      [cycleId],
    );
    return rows.map((r) => {
      const { body: _body, ...rest } = toPublication({ ...r, body: '' });
      return rest;
    });
  }

  async next(cycleId: string, manager: EntityManager): Promise<number> {
    const [{ n }]: { n: number }[] = await manager.query(
      `SELECT coalesce(max(publication), 0)::int + 1 AS n FROM published_reports WHERE cycle_id = $1`,
      [cycleId],
    );
    return n;
  }

  async insert(manager: EntityManager, p: Publication & { partnershipId: string }): Promise<void> {
    await manager.query(
      `INSERT INTO published_reports (cycle_id, publication, partnership_id, content_hash, body, published_at,
         published_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [p.cycleId, p.publication, p.partnershipId, p.contentHash, p.body, p.publishedAt, p.publishedBy],
    );
  }
}
