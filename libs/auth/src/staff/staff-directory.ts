import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiToken } from '../tokens/api-token.entity.js';
import { NO_PASSWORD_YET } from '../passwords/passwords.service.js';
import { StaffAccount } from './staff-account.entity.js';
import { STAFF_ROLES, StaffRole } from './staff-role.js';
import { DomainError } from '../../../kernel/src/index.js';

/** One staff member as the staff pages list them. */
export interface StaffMember {
  staffId: string;
  name: string;
  email: string;
  role: StaffRole;
  themeIds: string[];
  active: boolean;
  /** Invited, and has not yet chosen a password. */
  invited: boolean;
}

export interface ApiTokenSummary {
  tokenId: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** The partnership's staff accounts and a member's API tokens, read and changed for the pages. */
@Injectable()
export class StaffDirectory {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async list(partnershipId: string): Promise<StaffMember[]> {
    const rows = await this.dataSource
      .createQueryBuilder(StaffAccount, 'account')
      .addSelect('account.passwordHash')
      .where('account.partnershipId = :partnershipId', { partnershipId })
      .orderBy('account.disabledAt IS NULL', 'DESC')
      .addOrderBy('lower(account.name)')
      .getMany();
    return rows.map(member);
  }

  async one(partnershipId: string, staffId: string): Promise<StaffMember | null> {
    if (!/^[0-9a-f-]{36}$/.test(staffId)) return null;
    const row = await this.dataSource
      .createQueryBuilder(StaffAccount, 'account')
      .addSelect('account.passwordHash')
      .where('account.partnershipId = :partnershipId AND account.staffId = :staffId', {
        partnershipId,
        staffId,
      })
      .getOne();
    return row ? member(row) : null;
  }

  /** A new role, and the themes a reviewer looks after (other roles look after none). */
  async change(
    partnershipId: string,
    staffId: string,
    role: StaffRole,
    themeIds: string[],
  ): Promise<boolean> {
    if (!STAFF_ROLES.includes(role))
      throw new DomainError('invalid-role', 'Choose a role', 'unprocessable', 'role');
    const { affected } = await this.dataSource
      .createQueryBuilder()
      .update(StaffAccount)
      .set({ role, themeIds: role === 'reviewer' ? [...new Set(themeIds)] : [] })
      .where('partnership_id = :partnershipId AND staff_id = :staffId', { partnershipId, staffId })
      .execute();
    return (affected ?? 0) > 0;
  }

  /** The API tokens of the signed-in member's own account, newest first (never the token, which is not kept). */
  async tokensOf(partnershipId: string, email: string): Promise<ApiTokenSummary[]> {
    const rows = await this.dataSource
      .createQueryBuilder(ApiToken, 'token')
      .innerJoin('token.staff', 'account')
      .select(['token.tokenId', 'token.name', 'token.createdAt', 'token.revokedAt'])
      .where('account.partnershipId = :partnershipId', { partnershipId })
      .andWhere('lower(account.email) = lower(:email)', { email })
      .orderBy('token.createdAt', 'DESC')
      .getMany();
    return rows.map(({ tokenId, name, createdAt, revokedAt }) => ({ tokenId, name, createdAt, revokedAt }));
  }
}

function member(row: StaffAccount): StaffMember {
  return {
    staffId: row.staffId,
    name: row.name,
    email: row.email,
    role: row.role,
    themeIds: row.themeIds,
    active: row.disabledAt === null,
    invited: row.passwordHash === NO_PASSWORD_YET,
  };
}
