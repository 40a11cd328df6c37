import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import {
  erasePerson,
  EventStore,
  metadataFor,
  PersonalKeys,
  transactionally,
} from '../../../event-store/src/index.js';
import { Clock, CommandResult } from '../../../kernel/src/index.js';
import { PartnershipEvent, partnershipStreamId } from '../../../plan/src/index.js';
import { decideForgetPerson } from './forget-person.decide.js';
import { ForgetPersonCommand } from './forget-person.command.js';
import { evolvePerson, initialPerson, PersonEvent, personStreamId } from './person.events.js';

/**
 * Forgets one of the partnership's agency contacts (now or before: a removed contact is still in the log). The
 * PersonForgotten event and the deletion of the person's key are one transaction: there is never a record of
 * forgetting someone who can still be read, nor the other way round.
 */
@CommandHandler(ForgetPersonCommand)
export class ForgetPersonHandler implements ICommandHandler<ForgetPersonCommand> {
  private readonly keys = new PersonalKeys();

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({ envelope, email, reason }: ForgetPersonCommand): Promise<CommandResult> {
    const knownAs = await this.contactNamed(envelope.actor.partnershipId, email);
    const personId = knownAs.length > 0 ? await this.keys.personOf(this.dataSource, email) : null;
    const streamId = personStreamId(personId ?? 'unknown');
    const history = personId ? await this.store.readStream<PersonEvent>(streamId) : [];
    const state = history.map((e) => e as PersonEvent).reduce(evolvePerson, initialPerson());
    const events = decideForgetPerson(
      {
        type: 'ForgetPerson',
        actor: envelope.actor,
        personId: personId ?? '',
        reason,
        knownAs: personId ? knownAs : [],
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
      await erasePerson(manager, this.keys, personId!, events[0].data.reason, now);
      return nextExpectedVersion;
    });
    return { id: personId!, version, status: 'forgotten' };
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
