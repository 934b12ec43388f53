import { Notification, Organization, User } from '../../../entities/index.js';
import { Role, type NotificationKind } from '../../../entities/enums.js';
import type { NotificationDigestJob } from '../../platform/jobs/queues.js';
import { textToHtml } from '../../platform/mail/html.js';
import { addDays, localDay, startOfDay } from '../tasks/calendar.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { ValidationError } from '../../platform/errors/index.js';
import { Topics } from '../../platform/pubsub.js';
import * as v from '../../platform/validate.js';
import { requireActor, type ServiceScope } from '../scope.js';

/** A stored notification: what `notificationReceived` carries to its user's sockets. */
export interface StoredNotification {
  organizationId: string;
  userId: string;
  notificationId: string;
}

export interface NotificationFields {
  userId: string;
  kind: NotificationKind;
  title: string;
  body?: string | null;
  taskId?: string | null;
  leadId?: string | null;
  dealId?: string | null;
  actorUserId?: string | null;
  /**
   * One notification per key in the organization: a repeated job or event notifies once. Default: a
   * fresh key (what a person does once notifies once).
   */
  dedupeKey?: string;
}

/**
 * Per-user notifications: stored, listed, marked read, and delivered live on
 * `notificationReceived` to the sockets of that user only (Topics.NOTIFICATIONS is routed by user).
 */
export class NotificationService {
  constructor(private readonly scope: ServiceScope) {}

  /**
   * Stores a notification unless one with its dedupe key exists, and announces it. Returns whether
   * it was stored. Call it after the change it reports is committed; to store it in that change's
   * transaction instead, use `store` with the transaction's EntityManager and `announce` after commit.
   */
  async notify(n: NotificationFields): Promise<boolean> {
    const stored = await this.store(n);
    if (stored) this.announce(stored);
    return stored !== null;
  }

  /** Stores a notification (not for a kind its user muted, not twice for a dedupe key); null when not stored. */
  async store(n: NotificationFields): Promise<StoredNotification | null> {
    const { em } = this.scope;
    const organizationId = em.getFilterParams<{ organizationId: string }>('tenant').organizationId;
    // Nothing is stored for a kind the user muted (notificationPreferences.mutedKinds).
    const rows = await em.execute<{ id: string }[]>(
      `insert into notifications (id, organization_id, user_id, kind, title, body, task_id, lead_id, deal_id,
                                  actor_user_id, dedupe_key)
       select v.* from (values (?::uuid, ?::uuid, ?::uuid, ?::notification_kind, ?, ?, ?::uuid, ?::uuid, ?::uuid,
                                ?::uuid, ?)) as v
        where not exists (select 1 from notification_preferences np
                           where np.user_id = v.column3 and v.column4 = any(np.muted_kinds))
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
        n.dedupeKey ?? crypto.randomUUID(),
      ],
    );
    return rows.length ? { organizationId, userId: n.userId, notificationId: rows[0]!.id } : null;
  }

  /** `notificationReceived` to the user's sockets, once the stored notification is committed. */
  announce(stored: StoredNotification): void {
    this.scope.deps.pubsub.publish(Topics.NOTIFICATIONS, stored.userId, stored);
  }

  /** The same notification to every active owner and admin of the organization (`dedupeKey` per admin). */
  async notifyAdmins(n: Omit<NotificationFields, 'userId'> & { dedupeKey: string }): Promise<void> {
    for (const stored of await this.storeForAdmins(n)) this.announce(stored);
  }

  /** notifyAdmins without the announcement (for a transaction: announce each after commit). */
  async storeForAdmins(n: Omit<NotificationFields, 'userId'> & { dedupeKey: string }): Promise<StoredNotification[]> {
    const admins = await this.scope.em.find(User, { role: { $in: [Role.OWNER, Role.ADMIN] }, deactivatedAt: null });
    const stored: StoredNotification[] = [];
    for (const admin of admins) {
      const one = await this.store({ ...n, userId: admin.id, dedupeKey: `${n.dedupeKey}:${admin.id}` });
      if (one) stored.push(one);
    }
    return stored;
  }

  /** Notifies `userId` about something `actorId` did, unless there is no such user or it is the actor. */
  async notifyOther(
    actorId: string | null | undefined,
    n: Omit<NotificationFields, 'userId'> & { userId: string | null | undefined },
  ): Promise<boolean> {
    if (!n.userId || n.userId === actorId) return false;
    return this.notify({ ...n, userId: n.userId });
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

  async preferences(): Promise<Preferences> {
    const actor = requireActor(this.scope);
    const rows = await this.scope.em.execute<PreferenceRow[]>(
      `select muted_kinds::text[] as muted_kinds, digest_enabled, digest_hour, last_digest_at
         from notification_preferences where user_id = ?`,
      [actor.id],
    );
    return toPreferences(rows[0]);
  }

  /** Changes the caller's preferences; turning the digest on (or moving its hour) schedules the next one. */
  async updatePreferences(input: {
    mutedKinds?: NotificationKind[] | null;
    digestEnabled?: boolean | null;
    digestHour?: number | null;
  }): Promise<Preferences> {
    const actor = requireActor(this.scope);
    const current = await this.preferences();
    const next: Preferences = {
      mutedKinds: input.mutedKinds ? [...new Set(input.mutedKinds)] : current.mutedKinds,
      digestEnabled: input.digestEnabled ?? current.digestEnabled,
      digestHour: v.intRange(input.digestHour, 'input.digestHour', 0, 23) ?? current.digestHour,
    };
    await this.scope.em.execute(
      `insert into notification_preferences (organization_id, user_id, muted_kinds, digest_enabled, digest_hour)
       values (?, ?, ?::notification_kind[], ?, ?)
       on conflict (organization_id, user_id) do update
         set muted_kinds = excluded.muted_kinds, digest_enabled = excluded.digest_enabled,
             digest_hour = excluded.digest_hour, updated_at = now()`,
      [actor.organizationId, actor.id, `{${next.mutedKinds.join(',')}}`, next.digestEnabled, next.digestHour],
    );
    if (next.digestEnabled) {
      const tz = await this.timeZone(actor.organizationId);
      await this.scheduleDigest(actor.organizationId, actor.id, next.digestHour, new Date(), tz);
    }
    return next;
  }

  /**
   * The `notification-digest` job: one email of the user's unread notifications since the last
   * digest (at most a day back), if the digest is still on at this hour. The next day's job is
   * scheduled first, so a failed send does not end the chain; the Message-ID names the user and day,
   * so a retry after a crash between sending and recording is recognisable as the same mail.
   */
  async sendDigest(data: NotificationDigestJob): Promise<{ status: 'SENT' | 'EMPTY' | 'ALREADY_SENT' | 'STALE' }> {
    const { em, deps } = this.scope;
    const rows = await em.execute<PreferenceRow[]>(
      `select muted_kinds::text[] as muted_kinds, digest_enabled, digest_hour, last_digest_at
         from notification_preferences where user_id = ?`,
      [data.userId],
    );
    const prefs = toPreferences(rows[0]);
    if (!prefs.digestEnabled || prefs.digestHour !== data.hour) return { status: 'STALE' };
    const tz = await this.timeZone(data.organizationId);
    const dueAt = startOfDay(data.day, tz, data.hour);
    await this.scheduleDigest(data.organizationId, data.userId, data.hour, new Date(dueAt.getTime() + 3_600_000), tz);
    const last = rows[0]!.last_digest_at ? new Date(rows[0]!.last_digest_at) : null;
    if (last && last >= dueAt) return { status: 'ALREADY_SENT' };
    const since = new Date(Math.max(last?.getTime() ?? 0, dueAt.getTime() - 86_400_000));
    const unread = await em.find(
      Notification,
      { userId: data.userId, readAt: null, createdAt: { $gte: since } },
      { orderBy: { createdAt: 'asc', id: 'asc' }, limit: 200 },
    );
    const user = await em.findOne(User, { id: data.userId }, { fields: ['email', 'name'] as never });
    if (!user) return { status: 'STALE' };
    if (unread.length) {
      const lines = unread.map((n) => `• ${n.title}${n.body ? ` — ${n.body.slice(0, 200)}` : ''}`);
      const text =
        `Hi ${user.name},\n\n${unread.length} unread notification(s) since ${since.toISOString()}:\n\n` +
        `${lines.join('\n')}\n`;
      await deps.mailer.send({
        from: deps.config.mailFrom,
        to: user.email,
        subject: `Real Estate OS: ${unread.length} unread notification${unread.length === 1 ? '' : 's'}`,
        text,
        html: textToHtml(text),
        messageId: `<digest-${data.userId}-${data.day}@${data.organizationId}.realestateos>`,
      });
    }
    await em.execute('update notification_preferences set last_digest_at = now() where user_id = ?', [data.userId]);
    return { status: unread.length ? 'SENT' : 'EMPTY' };
  }

  /** The next digest at `hour` local time after `after`. */
  private async scheduleDigest(
    organizationId: string,
    userId: string,
    hour: number,
    after: Date,
    tz: string,
  ): Promise<void> {
    let day = localDay(after, tz);
    if (startOfDay(day, tz, hour) <= after) day = addDays(day, 1);
    await this.scope.deps.queues.scheduleDigest({ organizationId, userId, day, hour }, startOfDay(day, tz, hour));
  }

  private async timeZone(organizationId: string): Promise<string> {
    const org = await this.scope.em.findOne(Organization, { id: organizationId }, { fields: ['timeZone'] as never });
    return org?.timeZone ?? 'America/Chicago';
  }

  /** One of the caller's notifications (live delivery re-reads it); null when it is not theirs. */
  async forSubscriber(id: string): Promise<Notification | null> {
    const actor = requireActor(this.scope);
    return this.scope.em.findOne(Notification, { id, userId: actor.id });
  }
}

export interface Preferences {
  mutedKinds: NotificationKind[];
  digestEnabled: boolean;
  digestHour: number;
}

interface PreferenceRow {
  muted_kinds: string[];
  digest_enabled: boolean;
  digest_hour: number;
  last_digest_at: string | Date | null;
}

function toPreferences(row: PreferenceRow | undefined): Preferences {
  return {
    mutedKinds: (row?.muted_kinds ?? []) as NotificationKind[],
    digestEnabled: row?.digest_enabled ?? false,
    digestHour: row?.digest_hour ?? 7,
  };
}
