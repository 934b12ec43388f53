import { Activity, Lead } from '../../../entities/index.js';
import { Direction, type ActivityType } from '../../../entities/enums.js';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

export interface ActivityFields {
  leadId: string;
  type: ActivityType;
  direction?: Direction | null;
  body?: string | null;
  outcome?: string | null;
  occurredAt?: Date | null;
}

/** The lead timeline. Activities are append-only records of what happened. */
export class ActivityService {
  constructor(private readonly scope: ServiceScope) {}

  async log(input: ActivityFields): Promise<Activity> {
    const actor = requireActor(this.scope);
    const lead = await findOrNotFound(this.scope.em, Lead, input.leadId, 'Lead');
    const occurredAt = input.occurredAt ?? new Date();
    if (Number.isNaN(occurredAt.getTime()))
      throw new ValidationError('input.occurredAt is not a valid time', 'input.occurredAt');
    if (occurredAt.getTime() > Date.now() + 5 * 60_000) {
      throw new ValidationError('input.occurredAt cannot be in the future', 'input.occurredAt');
    }
    const activity = this.scope.em.create(Activity, {
      leadId: lead.id,
      type: input.type,
      direction: input.direction ?? Direction.OUTBOUND,
      body: v.optionalText(input.body, 'input.body', 20_000),
      outcome: v.optionalText(input.outcome, 'input.outcome', 200),
      occurredAt,
      userId: actor.id,
    });
    await this.scope.em.flush();
    return activity;
  }
}
