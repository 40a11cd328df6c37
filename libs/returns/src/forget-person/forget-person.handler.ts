import { Inject, Optional } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import {
  commandTransactionOn,
  decidedAgainWhenOutrun,
  erasePerson,
  EventStore,
  metadataFor,
  PersonalKeys,
  transactionally,
} from '../../../event-store/src/index.js';
import { Clock, CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';
import { PartnershipEvent, partnershipStreamId } from '../../../plan/src/index.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { decideForgetPerson } from './forget-person.decide.js';
import { ForgetPersonCommand } from './forget-person.command.js';
import { evolvePerson, initialPerson, PersonEvent, personStreamId } from './person.events.js';
import { STAFF_ERASURE, StaffErasure, StaffKnownAs } from './staff-erasure.port.js';
import { PUBLICATION_ERASURE, PublicationErasure, PUBLICATIONS_TABLE } from './publication-erasure.port.js';

/**
 * Forgets one of the partnership's agency contacts (now or before: a removed contact is still in the log) or one
 * of its staff. The PersonForgotten event, the deletion of the person's key and (for staff) of their account are
 * one transaction: there is never a record of forgetting someone who can still be read, nor the other way round.
 */
/** The operator's forgetting: the person's id, and the partnerships they were forgotten in. */
export interface ForgottenEverywhere extends CommandResult {
  partnerships: string[];
}

@CommandHandler(ForgetPersonCommand)
export class ForgetPersonHandler implements ICommandHandler<ForgetPersonCommand> {
  private readonly keys = new PersonalKeys();

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    // Absent where auth is not loaded (the worker): contacts only there.
    @Optional() @Inject(STAFF_ERASURE) private readonly staff: StaffErasure | null = null,
    @Optional() @Inject(PUBLICATION_ERASURE) private readonly publications: PublicationErasure | null = null,
  ) {}

  async execute({ envelope, email, reason }: ForgetPersonCommand): Promise<CommandResult> {
    return this.forget(envelope, email, reason, [envelope.actor.partnershipId]);
  }

  /**
   * The service operator's forgetting (`npm run person:forget`): the person in every partnership hosted here that
   * knows them, as a contact (now or before) or as staff. Their key is one for the service, so this is the only
   * way to forget someone two partnerships know; a coordinator is refused (person-in-other-partnership).
   */
  async forgetEverywhere(
    envelope: CommandEnvelope,
    email: string,
    reason: string,
  ): Promise<ForgottenEverywhere> {
    const partnerships = await this.partnershipsKnowing(email);
    const result = await this.forget(envelope, email, reason, partnerships.length > 0 ? partnerships : ['']);
    return { ...result, partnerships };
  }

  /**
   * Re-issuing the publications that name the person appends to their cycles: a redaction (or another forgetting)
   * re-issuing them at the same moment outran it, and the forgetting was refused 409 stale-version for a write its
   * coordinator never saw. It is decided again on what now stands (the person perhaps forgotten by the other),
   * unless in a request's own transaction (Idempotency-Key), which a refused append may have left unusable.
   */
  private async forget(
    envelope: CommandEnvelope,
    email: string,
    reason: string,
    partnershipIds: readonly string[],
  ): Promise<CommandResult> {
    const once = () => this.forgetOnce(envelope, email, reason, partnershipIds);
    if (commandTransactionOn(this.dataSource)) return once();
    return decidedAgainWhenOutrun(
      (streamId) => streamId.startsWith(cycleStreamId('')) || streamId.startsWith(personStreamId('')),
      undefined,
      once,
    );
  }

  private async forgetOnce(
    envelope: CommandEnvelope,
    email: string,
    reason: string,
    partnershipIds: readonly string[],
  ): Promise<CommandResult> {
    const staff: StaffKnownAs[] = [];
    const knownAs: string[] = [];
    for (const partnershipId of partnershipIds) {
      const member = this.staff ? await this.staff.named(this.dataSource, partnershipId, email) : null;
      knownAs.push(...(await this.contactNamed(partnershipId, email)));
      if (member) {
        staff.push(member);
        knownAs.push(member.email, member.name);
      }
    }
    const personId = knownAs.length > 0 ? await this.personOf(email, staff[0] ?? null) : null;
    const streamId = personStreamId(personId ?? 'unknown');
    const history = personId ? await this.store.readStream<PersonEvent>(streamId) : [];
    const state = history.map((e) => e as PersonEvent).reduce(evolvePerson, initialPerson());
    const events = decideForgetPerson(
      {
        type: 'ForgetPerson',
        actor: envelope.actor,
        personId: personId ?? '',
        reason,
        knownAs: personId ? [...new Set(knownAs)] : [],
        isActor: envelope.actor.id.trim().toLowerCase() === email.trim().toLowerCase(),
        knownElsewhere: personId !== null && (await this.knownElsewhere(partnershipIds, email, personId)),
      },
      state,
    );
    const now = this.clock.now();
    const version = await transactionally(this.dataSource, async (manager) => {
      const { nextExpectedVersion } = await this.store.append(
        streamId,
        history.length === 0 ? 'no_stream' : history.length,
        events,
        metadataFor(envelope),
        { recordedAt: now },
        manager,
      );
      for (const member of staff) await this.staff!.erase(manager, member.staffId, now);
      const erased = await erasePerson(
        manager,
        this.keys,
        partnershipIds,
        personId!,
        events[0].data.reason,
        now,
        [...new Set(knownAs)],
        this.publications ? [PUBLICATIONS_TABLE] : [],
      );
      if (this.publications && erased.erased) {
        await this.publications.reissueWithout(manager, envelope, partnershipIds, erased.values, now);
      }
      return nextExpectedVersion;
    });
    return { id: personId!, version, status: 'forgotten' };
  }

  /**
   * The person behind the address. A member of staff who never acted (so no event holds their address) is made a
   * person here, so that forgetting them is recorded like anyone else's.
   */
  private async personOf(email: string, staff: StaffKnownAs | null): Promise<string | null> {
    const known = await this.keys.personOf(this.dataSource, email);
    if (known || !staff) return known;
    const [made] = (await this.keys.forEmails(this.dataSource, [email])).values();
    return made.personId;
  }

  /**
   * Whether a partnership other than these knows the person: a member of its staff with the address, or a contact
   * its plan lists or listed (its partnership stream holds data sealed under the person's key).
   */
  private async knownElsewhere(
    partnershipIds: readonly string[],
    email: string,
    personId: string,
  ): Promise<boolean> {
    const [found]: { staff: boolean; contact: boolean }[] = await this.dataSource.query(
      `SELECT
         EXISTS (SELECT 1 FROM staff_accounts
                 WHERE NOT (partnership_id = ANY($1::text[])) AND lower(email) = lower($2)) AS staff,
         EXISTS (SELECT 1 FROM events
                 WHERE stream_id LIKE 'partnership:%' AND NOT (stream_id = ANY($3::text[]))
                   AND strpos(data::text, $4) > 0) AS contact`,
      [partnershipIds, email.trim(), partnershipIds.map(partnershipStreamId), personId],
    );
    return found.staff || found.contact;
  }

  /** Every partnership whose staff has the address or whose plan lists or listed it. */
  private async partnershipsKnowing(email: string): Promise<string[]> {
    const personId = await this.keys.personOf(this.dataSource, email);
    const rows: { partnership_id: string }[] = await this.dataSource.query(
      `SELECT partnership_id FROM staff_accounts WHERE lower(email) = lower($1)
       UNION
       SELECT substr(stream_id, length('partnership:') + 1) FROM events
       WHERE $2::text IS NOT NULL AND stream_id LIKE 'partnership:%' AND strpos(data::text, $2) > 0
       ORDER BY 1`,
      [email.trim(), personId],
    );
    return rows.map((r) => r.partnership_id);
  }

  /** The address and every name the partnership's events give a contact with this address; none if no such. */
  private async contactNamed(partnershipId: string, email: string): Promise<string[]> {
    const wanted = email.trim().toLowerCase();
    const known = new Set<string>();
    for (const event of await this.store.readStream<PartnershipEvent>(partnershipStreamId(partnershipId))) {
      const e = event as PartnershipEvent;
      if (e.type !== 'AgencyContactAdded' && e.type !== 'AgencyContactChanged') continue;
      if (e.data.email.trim().toLowerCase() !== wanted) continue;
      known.add(e.data.email).add(e.data.name);
    }
    return [...known];
  }
}
