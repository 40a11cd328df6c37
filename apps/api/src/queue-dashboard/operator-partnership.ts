import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/src/index.js';

/**
 * Whether a partnership runs the deployment, and so may see what serves every partnership (the queues, the
 * event processors): the one OPERATOR_PARTNERSHIP names, or, when none is named, the only partnership there is.
 */
export async function runsTheDeployment(
  config: AppConfig,
  dataSource: DataSource,
  partnershipId: string,
): Promise<boolean> {
  if (config.operatorPartnershipId) return partnershipId === config.operatorPartnershipId;
  const [{ n }]: { n: number }[] = await dataSource.query(
    `SELECT count(*)::int AS n FROM streams WHERE stream_id LIKE 'partnership:%'`,
  );
  return n <= 1;
}

/** runsTheDeployment for pages: the deployment's configuration and database, injected. */
@Injectable()
export class DeploymentOperator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  runsTheDeployment(partnershipId: string): Promise<boolean> {
    return runsTheDeployment(this.config, this.dataSource, partnershipId);
  }
}
