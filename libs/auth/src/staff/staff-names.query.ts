import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { StaffAccount } from './staff-account.entity.js';
import type { StaffRole } from './staff-role.js';

/**
 * The names behind staff ids (events record a staff member by their email), for pages that say who did what.
 * Disabled accounts are named too: what they did stays on the record under their name.
 */
@Injectable()
export class StaffNames {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async of(partnershipId: string, emails: string[]): Promise<Map<string, { name: string; role: StaffRole }>> {
    const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
    if (wanted.length === 0) return new Map();
    const accounts = await this.dataSource
      .getRepository(StaffAccount)
      .createQueryBuilder('account')
      .select(['account.email', 'account.name', 'account.role'])
      .where('account.partnershipId = :partnershipId', { partnershipId })
      .andWhere('lower(account.email) IN (:...wanted)', { wanted })
      .getMany();
    return new Map(accounts.map((a) => [a.email.toLowerCase(), { name: a.name, role: a.role }]));
  }
}
