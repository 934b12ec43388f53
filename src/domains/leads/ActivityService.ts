import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Activity, User } from '../../../entities/index.js';
import { selectList, snapshotMapper } from '../../../entities/snapshot.js';
import { Direction, NotificationKind, type ActivityType } from '../../../entities/enums.js';
import { NotFoundError, ValidationError } from '../../platform/errors/index.js';
import { executePrepared } from '../../platform/db/prepared.js';
import * as v from '../../platform/validate.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import { mentionedUsers } from '../notifications/mentions.js';
import { NotificationService } from '../notifications/NotificationService.js';
import { isUuid, requireActor, type ServiceScope } from '../scope.js';
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

  /**
   * Logs an activity on a lead of the organization. One statement looks the lead up and inserts the
   * activity (in the caller's tenant scope and audit context, with the triggers that keep the lead's
   * last contact and the analytics): the hottest write path does without the unit of work.
   */
  async log(input: ActivityFields): Promise<Activity> {
    const actor = requireActor(this.scope);
    const occurredAt = input.occurredAt ?? new Date();
    if (Number.isNaN(occurredAt.getTime()))
      throw new ValidationError('input.occurredAt is not a valid time', 'input.occurredAt');
    if (occurredAt.getTime() > Date.now() + 5 * 60_000) {
      throw new ValidationError('input.occurredAt cannot be in the future', 'input.occurredAt');
    }
    const body = v.optionalText(input.body, 'input.body', 20_000) ?? null;
    const outcome = v.optionalText(input.outcome, 'input.outcome', 200) ?? null;
    if (!isUuid(input.leadId)) throw new NotFoundError('Lead', input.leadId);
    const { em } = this.scope;
    const insert = insertStatement(em);
    const now = new Date();
    const rows = await executePrepared(em, insert.sql, [
      input.leadId.toLowerCase(),
      actor.organizationId,
      randomUUID(),
      actor.organizationId,
      input.type,
      input.direction ?? Direction.OUTBOUND,
      body,
      outcome,
      occurredAt,
      actor.id,
      now,
      now,
    ]);
    const row = rows[0];
    if (!row) throw new NotFoundError('Lead', input.leadId);
    const lead = {
      propertyId: (row['lead.propertyId'] as string | null) ?? undefined,
      firstName: row['lead.firstName'] as string,
      lastName: row['lead.lastName'] as string,
    };
    for (const key of Object.keys(lead)) delete row[`lead.${key}`];
    const activity = insert.toSnapshots([row])[0]!;
    // Inbound engagement moves the property's score.
    if (activity.direction === Direction.INBOUND && lead.propertyId) await refreshScores(em, [lead.propertyId]);
    publishPipelineEvent(this.scope, actor.organizationId, PipelineEventType.ACTIVITY_LOGGED, {
      activityId: activity.id,
      leadId: activity.leadId,
      propertyId: lead.propertyId,
    });
    await this.notifyMentions(activity, lead);
    return activity;
  }

  /** MENTION: each teammate named as `@name` in the entry hears about it (not the writer). */
  private async notifyMentions(activity: Activity, lead: LeadOfActivity): Promise<void> {
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
        leadId: activity.leadId,
        actorUserId: actor.id,
        dedupeKey: `mention:${activity.id}:${user.id}`,
      });
  }
}

/** What logging an activity reads of its lead. */
interface LeadOfActivity {
  propertyId: string | undefined;
  firstName: string;
  lastName: string;
}

let statement: { sql: string; toSnapshots: (rows: Record<string, unknown>[]) => Activity[] } | undefined;
/** The insert, derived from the entity's metadata once per process; returns the activity and its lead's fields. */
function insertStatement(em: EntityManager) {
  if (statement) return statement;
  const meta = em.getMetadata().find(Activity)!;
  statement = {
    sql: `with l as (select id, property_id, first_name, last_name from leads where id = ? and organization_id = ?),
               a as (insert into activities (id, organization_id, lead_id, type, direction, body, outcome, occurred_at,
                                             user_id, created_at, updated_at)
                     select ?, ?, l.id, ?::activity_type, ?::activity_direction, ?, ?, ?, ?, ?, ? from l
                     returning ${selectList(meta)})
          select a.*, l.property_id as "lead.propertyId", l.first_name as "lead.firstName",
                 l.last_name as "lead.lastName"
            from a join l on l.id = a."leadId"`,
    toSnapshots: snapshotMapper<Activity>(meta, em.getPlatform()),
  };
  return statement;
}
