import { Suppression } from '../../../entities/index.js';
import type { MessageChannel } from '../../../entities/enums.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { ValidationError } from '../../platform/errors/index.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

/**
 * The suppression list: what hard-bounced or complained is not tried again (campaigns skip it as
 * BOUNCED_BEFORE, single messages are BLOCKED) until an admin lifts it. Entries are written by the
 * send paths through SuppressionRepository.suppress.
 */
export class SuppressionService {
  constructor(private readonly scope: ServiceScope) {}

  list(
    filter: { channel?: MessageChannel | null; includeLifted?: boolean | null },
    page: PageRequest,
  ): Promise<Page<Suppression>> {
    return this.scope.em.getRepository(Suppression).page(requireActor(this.scope).organizationId, filter, page);
  }

  /** Lifts an active entry: the contact point can be tried again (e.g. the mailbox was fixed). */
  async lift(id: string): Promise<Suppression> {
    const actor = requireActor(this.scope);
    const row = await findOrNotFound(this.scope.em, Suppression, id, 'Suppression');
    if (row.liftedAt) throw new ValidationError('This suppression was lifted already', 'id');
    Object.assign(row, { liftedAt: new Date(), liftedById: actor.id });
    await this.scope.em.flush();
    return row;
  }
}
