import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../../../database/src/index.js';
import { CYCLE_NAME, isScoped, scopedCycleId } from '../../../kernel/src/index.js';
import { cycleStreamId } from './cycle.events.js';

/**
 * In requests of a partnership's own people a cycle may be named by its name alone: `y1-2019-20` stands for
 * `<their partnership>~y1-2019-20` when they have such a cycle, and is otherwise taken as a whole id (a cycle
 * drafted before ids were scoped, or nothing). Only the caller's own partnership is looked in, so the answer
 * never depends on what another partnership holds.
 */
@Injectable()
export class CycleNames {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async cycleId(partnershipId: string, given: string): Promise<string> {
    // Only a well-formed name can be one of theirs; anything else (a NUL, say) goes on as given, to be refused.
    if (isScoped(given) || !CYCLE_NAME.test(given)) return given;
    const scoped = scopedCycleId(partnershipId, given);
    const found = await preparedQuery(
      this.dataSource,
      'cycle_names_exists',
      'SELECT 1 FROM streams WHERE stream_id = $1',
      [cycleStreamId(scoped)],
    );
    return found.length > 0 ? scoped : given;
  }

  /** A return id, `<cycle>.<measure ref>`, with its cycle part resolved as cycleId() does. */
  async returnId(partnershipId: string, given: string): Promise<string> {
    const dot = given.indexOf('.');
    if (dot <= 0) return given;
    return `${await this.cycleId(partnershipId, given.slice(0, dot))}${given.slice(dot)}`;
  }
}
