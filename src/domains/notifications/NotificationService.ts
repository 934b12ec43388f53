import { Notification } from '../../../entities/index.js';
import type { NotificationKind } from '../../../entities/enums.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { ValidationError } from '../../platform/errors/index.js';
import { Topics } from '../../platform/pubsub.js';
import * as v from '../../platform/validate.js';
import { requireActor, type ServiceScope } from '../scope.js';

export interface NotificationFields {
  userId: string;
  kind: NotificationKind;
  title: string;
  body?: string | null;
  taskId?: string | null;
  leadId?: string | null;
  dealId?: string | null;
  actorUserId?: string | null;
  /** One notification per key in the organization: a repeated job or event notifies once. */
  dedupeKey: string;
}

/**
 * Per-user notifications: stored, listed, marked read, and delivered live on
 * `notificationReceived` to the sockets of that user only (Topics.NOTIFICATIONS is routed by user).
 */
export class NotificationService {
  constructor(private readonly scope: ServiceScope) {}

  /**
   * Stores a notification unless one with its dedupe key exists, and announces it. Returns whether
   * it was stored. Call it after the change it reports is committed.
   */
  async notify(n: NotificationFields): Promise<boolean> {
    const { em, deps } = this.scope;
    const organizationId = em.getFilterParams<{ organizationId: string }>('tenant').organizationId;
    const rows = await em.execute<{ id: string }[]>(
      `insert into notifications (id, organization_id, user_id, kind, title, body, task_id, lead_id, deal_id,
                                  actor_user_id, dedupe_key)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (organization_id, dedupe_key) do nothing
       returning id`,
      [
        crypto.randomUUID(),
        organizationId,
        n.userId,
        n.kind,
        n.title.slice(0, 300),
        n.body?.slice(0, 2_000) ?? null,
        n.taskId ?? null,
        n.leadId ?? null,
        n.dealId ?? null,
        n.actorUserId ?? null,
        n.dedupeKey,
      ],
    );
    if (!rows.length) return false;
    const payload = { organizationId, userId: n.userId, notificationId: rows[0]!.id };
    deps.pubsub.publish(Topics.NOTIFICATIONS, n.userId, payload);
    return true;
  }

  /** The caller's notifications, newest first. */
  page(unreadOnly: boolean, page: PageRequest): Promise<Page<Notification>> {
    const actor = requireActor(this.scope);
    return this.scope.em.getRepository(Notification).page(actor.organizationId, actor.id, unreadOnly, page);
  }

  unreadCount(): Promise<number> {
    const actor = requireActor(this.scope);
    return this.scope.em.count(Notification, { userId: actor.id, readAt: null });
  }

  /** Marks the caller's notifications read: the given ids, or all. Returns how many changed. */
  markRead(ids: string[] | null | undefined, all: boolean | null | undefined): Promise<number> {
    const actor = requireActor(this.scope);
    if (!all && !ids?.length) throw new ValidationError('Give ids, or all: true', 'ids');
    if (all && ids?.length) throw new ValidationError('Give ids or all: true, not both', 'ids');
    if (ids && ids.length > 500) throw new ValidationError('At most 500 ids at once', 'ids');
    const only = all ? {} : { id: { $in: (ids ?? []).map((id, i) => v.uuid(id, `ids[${i}]`)) } };
    return this.scope.em.nativeUpdate(
      Notification,
      { userId: actor.id, readAt: null, ...only },
      { readAt: new Date() },
    );
  }

  /** One of the caller's notifications (live delivery re-reads it); null when it is not theirs. */
  async forSubscriber(id: string): Promise<Notification | null> {
    const actor = requireActor(this.scope);
    return this.scope.em.findOne(Notification, { id, userId: actor.id });
  }
}
