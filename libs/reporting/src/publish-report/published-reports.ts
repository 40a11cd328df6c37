import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { PublishedReport } from './published-report.entity.js';

export interface Publication {
  cycleId: string;
  publication: number;
  contentHash: string;
  /** The report's JSON exactly as hashed and published. */
  body: string;
  publishedAt: Date;
  publishedBy: string;
  /** The tamper-evident log's latest checkpoint digest at publication (JSON); null before the first. */
  logDigest: string | null;
}

/** A publication as the API shows it: the partnership is known from the cycle, and is not repeated. */
const toPublication = ({ partnershipId: _p, ...publication }: PublishedReport): Publication => publication;

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
      },
      where: { cycleId },
      order: { publication: 'ASC' },
    });
    return found.map(({ publication, contentHash, publishedAt, publishedBy, logDigest }) => ({
      cycleId,
      publication,
      contentHash,
      publishedAt,
      publishedBy,
      logDigest,
    }));
  }

  /** The number the cycle's next publication takes, read in the transaction that will insert it. */
  async next(cycleId: string, manager: EntityManager): Promise<number> {
    const latest: number | null = await manager
      .getRepository(PublishedReport)
      .maximum('publication', { cycleId });
    // Number(): an aggregate may come back from the driver as a string.
    return Number(latest ?? 0) + 1;
  }

  async insert(manager: EntityManager, p: Publication & { partnershipId: string }): Promise<void> {
    await manager.getRepository(PublishedReport).insert(p);
  }
}
