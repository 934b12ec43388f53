import { Activity, Lead, User } from '../../../entities/index.js';
import { Direction, NotificationKind, type ActivityType } from '../../../entities/enums.js';
import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import { mentionedUsers } from '../notifications/mentions.js';
import { NotificationService } from '../notifications/NotificationService.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';
import { refreshScores } from '../underwriting/score-store.js';

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
    if (activity.direction === Direction.INBOUND && lead.propertyId)
      await refreshScores(this.scope.em, [lead.propertyId]); // inbound engagement moves the score
    publishPipelineEvent(this.scope, actor.organizationId, PipelineEventType.ACTIVITY_LOGGED, {
      activityId: activity.id,
      leadId: lead.id,
      propertyId: lead.propertyId,
    });
    await this.notifyMentions(activity, lead);
    return activity;
  }

  /** MENTION: each teammate named as `@name` in the entry hears about it (not the writer). */
  private async notifyMentions(activity: Activity, lead: Lead): Promise<void> {
    const actor = requireActor(this.scope);
    if (!activity.body?.includes('@')) return;
    const users = await this.scope.em.find(User, {}, { fields: ['id', 'name', 'email'] as never });
    const writer = users.find((u) => u.id === actor.id)?.name ?? 'A teammate';
    const notifications = new NotificationService(this.scope);
    for (const user of mentionedUsers(activity.body, users))
      await notifications.notifyOther(actor.id, {
        userId: user.id,
        kind: NotificationKind.MENTION,
        title: `${writer} mentioned you on ${lead.firstName} ${lead.lastName}`,
        body: activity.body.slice(0, 500),
        leadId: lead.id,
        actorUserId: actor.id,
        dedupeKey: `mention:${activity.id}:${user.id}`,
      });
  }
}
