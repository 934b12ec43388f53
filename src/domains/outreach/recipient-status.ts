import type { EntityManager } from '@mikro-orm/postgresql';
import { CampaignRecipient } from '../../../entities/index.js';
import { ActivityType, RecipientStatus, SkipReason } from '../../../entities/enums.js';

/**
 * The campaign recipient's state machine — the one module that changes `campaign_recipients.status`.
 *
 *   QUEUED ─claim→ SENDING ─sent→ SENT → DELIVERED → OPENED → CLICKED → REPLIED → OPTED_OUT
 *     │              │  └─refused for good→ BOUNCED      (after a send: only forward, see
 *     │              └─transient failure→ QUEUED          ENGAGEMENT_ORDER; BOUNCED/FAILED
 *     ├─consent, DNC, suppression, frequency cap→ SKIPPED   from SENT on a carrier report)
 *     ├─sending window→ QUEUED (reason QUIET_HOURS_DEFERRED, deferredUntil)
 *     ├─campaign cancelled→ CANCELLED
 *     └─attempts exhausted→ FAILED ─replay→ QUEUED
 *
 * Every transition is one conditional statement on the state it leaves, so concurrent workers,
 * retries and replays cannot move a recipient twice.
 */
export class RecipientTransitions {
  constructor(private readonly em: EntityManager) {}

  /** QUEUED → SENDING for the given recipients in one statement; returns the ids this caller won. */
  async claim(organizationId: string, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await this.em.execute<{ id: string }[]>(
      `update campaign_recipients set status = 'SENDING', updated_at = now()
        where organization_id = ? and status = 'QUEUED'
          and id = any(array(select jsonb_array_elements_text(?::jsonb)::uuid))
        returning id`,
      [organizationId, JSON.stringify(ids)],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Takes over a claim whose worker died (SENDING since before `staleBefore`). True when taken. */
  async reclaimStale(id: string, staleBefore: Date): Promise<boolean> {
    const took = await this.em.nativeUpdate(
      CampaignRecipient,
      { id, status: RecipientStatus.SENDING, updatedAt: { $lt: staleBefore } },
      { status: RecipientStatus.SENDING, updatedAt: new Date() },
    );
    return took === 1;
  }

  /** Ends a claim: BOUNCED or FAILED for good, or QUEUED again for a retry. */
  async release(
    id: string,
    to: RecipientStatus.BOUNCED | RecipientStatus.FAILED | RecipientStatus.QUEUED,
    error: string | null,
  ) {
    await this.em.nativeUpdate(CampaignRecipient, { id, status: RecipientStatus.SENDING }, {
      status: to,
      error: error?.slice(0, 500) ?? null,
    } as never);
  }

  /**
   * SENDING → SENT for every delivery of a batch, with each lead's timeline entry, in one statement.
   * `actorId` is who the timeline names (the campaign's creator).
   */
  async markSent(
    organizationId: string,
    deliveries: { recipientId: string; providerMessageId: string; body: string }[],
    activity: { type: ActivityType; outcome: string; actorId: string | null },
  ): Promise<void> {
    if (!deliveries.length) return;
    const at = new Date().toISOString();
    const rows = deliveries.map((d) => ({
      id: d.recipientId,
      provider_message_id: d.providerMessageId,
      activity_id: crypto.randomUUID(),
      body: d.body,
    }));
    await this.em.execute(
      `with d as (select * from json_to_recordset(?::json)
                    as x(id uuid, provider_message_id text, activity_id uuid, body text)),
            sent as (
              update campaign_recipients r
                 set status = 'SENT', provider_message_id = d.provider_message_id, sent_at = ?, reason = null,
                     deferred_until = null, error = null, updated_at = ?
                from d where r.id = d.id and r.organization_id = ? and r.status = 'SENDING'
              returning r.lead_id, d.activity_id, d.body)
       insert into activities (id, organization_id, lead_id, type, direction, body, outcome, occurred_at, user_id,
                               created_at, updated_at)
       select activity_id, ?, lead_id, ?, 'OUTBOUND', body, ?, ?, ?, ?, ? from sent`,
      [
        JSON.stringify(rows),
        at,
        at,
        organizationId,
        organizationId,
        activity.type,
        activity.outcome,
        at,
        activity.actorId,
        at,
        at,
      ],
    );
  }

  /**
   * → SKIPPED with the reason, only from the state that was read (QUEUED, or a claim still stale):
   * a worker that claimed the recipient meanwhile keeps it. Returns how many moved.
   */
  skip(ids: string[], reason: SkipReason, fromStaleClaimBefore: Date | null): Promise<number> {
    return this.em.nativeUpdate(
      CampaignRecipient,
      fromStaleClaimBefore
        ? { id: { $in: ids }, status: RecipientStatus.SENDING, updatedAt: { $lt: fromStaleClaimBefore } }
        : { id: { $in: ids }, status: RecipientStatus.QUEUED },
      { status: RecipientStatus.SKIPPED, reason, deferredUntil: null } as never,
    );
  }

  /** Stays QUEUED until its sending window opens. */
  async defer(id: string, until: Date): Promise<void> {
    await this.em.nativeUpdate(
      CampaignRecipient,
      { id, status: RecipientStatus.QUEUED },
      { reason: SkipReason.QUIET_HOURS_DEFERRED, deferredUntil: until },
    );
  }

  /** QUEUED → CANCELLED, for a whole campaign or some of its recipients. Returns how many moved. */
  cancelQueued(where: { campaignId: string } | { ids: string[] }): Promise<number> {
    return this.em.nativeUpdate(
      CampaignRecipient,
      'ids' in where
        ? { id: { $in: where.ids }, status: RecipientStatus.QUEUED }
        : { campaignId: where.campaignId, status: RecipientStatus.QUEUED },
      { status: RecipientStatus.CANCELLED },
    );
  }

  /**
   * After a batch's last attempt: its recipients still QUEUED or SENDING are FAILED — except those
   * waiting for their sending window, which have a job of their own.
   */
  async failWaiting(ids: string[], error: string): Promise<void> {
    await this.em.nativeUpdate(
      CampaignRecipient,
      {
        id: { $in: ids },
        status: { $in: [RecipientStatus.QUEUED, RecipientStatus.SENDING] },
        $or: [{ reason: null }, { reason: { $ne: SkipReason.QUIET_HOURS_DEFERRED } }],
      },
      { status: RecipientStatus.FAILED, error: error.slice(0, 500) },
    );
  }

  /** FAILED → QUEUED for a replay of a dead-lettered batch. Returns how many moved. */
  reopenFailed(ids: string[]): Promise<number> {
    return this.em.nativeUpdate(CampaignRecipient, { id: { $in: ids }, status: RecipientStatus.FAILED }, {
      status: RecipientStatus.QUEUED,
      error: null,
    } as never);
  }

  /**
   * Engagement after a send (opened, clicked, replied, opted out): only forward along
   * ENGAGEMENT_ORDER, so a late event never undoes a later one. True when it moved.
   */
  async advance(id: string, to: RecipientStatus, also: Partial<CampaignRecipient> = {}): Promise<boolean> {
    const moved = await this.em.nativeUpdate(CampaignRecipient, { id, status: { $in: statusesBefore(to) } }, {
      ...also,
      status: to,
    } as never);
    return moved > 0;
  }

  /** A carrier's delivery report: from SENT only (a reply or a second report changes nothing). */
  async carrierReport(
    id: string,
    to: RecipientStatus.DELIVERED | RecipientStatus.BOUNCED | RecipientStatus.FAILED,
    error: string | null,
  ): Promise<boolean> {
    const moved = await this.em.nativeUpdate(
      CampaignRecipient,
      { id, status: RecipientStatus.SENT },
      to === RecipientStatus.DELIVERED ? { status: to, deliveredAt: new Date() } : { status: to, error },
    );
    return moved > 0;
  }
}

/**
 * After a send, a recipient only moves forward: SENT → DELIVERED → OPENED → CLICKED → REPLIED →
 * OPTED_OUT (BOUNCED only from SENT). A late delivery receipt never undoes a reply.
 */
export const ENGAGEMENT_ORDER: readonly RecipientStatus[] = [
  RecipientStatus.SENT,
  RecipientStatus.DELIVERED,
  RecipientStatus.OPENED,
  RecipientStatus.CLICKED,
  RecipientStatus.REPLIED,
  RecipientStatus.OPTED_OUT,
];

/** The statuses a recipient may be in for it to move to `to` (those before it in ENGAGEMENT_ORDER). */
export function statusesBefore(to: RecipientStatus): RecipientStatus[] {
  const i = ENGAGEMENT_ORDER.indexOf(to);
  return i < 0 ? [] : ENGAGEMENT_ORDER.slice(0, i);
}
