import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PublishedReport } from './published-report.entity.js';

export interface Publication {
  cycleId: string;
  publication: number;
  contentHash: string;
  /** The report's JSON exactly as hashed and published; null once deleted for a redaction. */
  body: string | null;
  publishedAt: Date;
  publishedBy: string;
  /** The tamper-evident log's latest checkpoint digest at publication (JSON); null before the first. */
  logDigest: string | null;
  /** Set when a redaction deleted its bytes: why, when, and the publication that re-issued it redacted. */
  redacted: { reason: string; at: Date; reissuedAs: number } | null;
}

const redactionOf = (row: PublishedReport): Publication['redacted'] =>
  row.redactionReason !== null && row.redactedAt !== null && row.reissuedAs !== null
    ? { reason: row.redactionReason, at: row.redactedAt, reissuedAs: row.reissuedAs }
    : null;

/** A publication as the API shows it: the partnership is known from the cycle, and is not repeated. */
const toPublication = (row: PublishedReport): Publication => ({
  cycleId: row.cycleId,
  publication: row.publication,
  contentHash: row.contentHash,
  body: row.body,
  publishedAt: row.publishedAt,
  publishedBy: row.publishedBy,
  logDigest: row.logDigest,
  redacted: redactionOf(row),
});

/** The frozen publications of reports, one row per ReportPublished event, written in the same transaction. */
@Injectable()
export class PublishedReports {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** "latest" or a publication number. */
  async find(cycleId: string, which: string): Promise<Publication | null> {
    const found = await this.dataSource
      .getRepository(PublishedReport)
      .findOne(
        which === 'latest'
          ? { where: { cycleId }, order: { publication: 'DESC' } }
          : { where: { cycleId, publication: Number(which) } },
      );
    return found ? toPublication(found) : null;
  }

  /** Every publication of the cycle, oldest first, without their bodies (a list never needs the bytes). */
  async list(cycleId: string): Promise<Omit<Publication, 'body'>[]> {
    const found = await this.dataSource.getRepository(PublishedReport).find({
      select: {
        cycleId: true,
        publication: true,
        contentHash: true,
        publishedAt: true,
        publishedBy: true,
        logDigest: true,
        redactionReason: true,
        redactedAt: true,
        reissuedAs: true,
      },
      where: { cycleId },
      order: { publication: 'ASC' },
    });
    return found.map((row) => {
      const { body: _b, ...listed } = toPublication(row);
      return listed;
    });
  }

  /** The number the cycle's next publication takes, read in the transaction that will insert it. */
  async next(cycleId: string, manager: EntityManager): Promise<number> {
    const latest: number | null = await manager
      .getRepository(PublishedReport)
      .maximum('publication', { cycleId });
    // Number(): an aggregate may come back from the driver as a string.
    return Number(latest ?? 0) + 1;
  }

  async insert(
    manager: EntityManager,
    p: Omit<Publication, 'redacted' | 'body'> & { body: string; partnershipId: string },
  ): Promise<void> {
    await manager.getRepository(PublishedReport).insert(p);
  }

  /** The cycle's publications that still have their bytes, with them, read in the redaction's transaction. */
  async withBytes(cycleId: string, manager: EntityManager): Promise<(Publication & { body: string })[]> {
    const rows = await manager
      .getRepository(PublishedReport)
      .find({ where: { cycleId }, order: { publication: 'ASC' } });
    return rows.map(toPublication).filter((p): p is Publication & { body: string } => p.body !== null);
  }

  /** Deletes a publication's bytes for a redaction, keeping its hash, the reason and what re-issued it. */
  async deleteBytes(
    manager: EntityManager,
    cycleId: string,
    publication: number,
    redacted: NonNullable<Publication['redacted']>,
  ): Promise<void> {
    await manager.getRepository(PublishedReport).update(
      { cycleId, publication },
      {
        body: null,
        redactionReason: redacted.reason,
        redactedAt: redacted.at,
        reissuedAs: redacted.reissuedAs,
      },
    );
  }
}
