import type { RecipientFilter } from '../../../entities/CampaignRecipientRepository.js';
import { Campaign, CampaignRecipient, Lead, MessageTemplate, Organization, Property } from '../../../entities/index.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import {
  CampaignStatus,
  MessageChannel,
  NotificationKind,
  RecipientStatus,
  SkipReason,
} from '../../../entities/enums.js';
import type { LeadFilter } from '../../../entities/LeadRepository.js';
import { ValidationError } from '../../platform/errors/index.js';
import { timeZoneForState } from './send-window.js';
import { Topics } from '../../platform/pubsub.js';
import * as v from '../../platform/validate.js';
import { normalizeContactPoint } from './ConsentService.js';
import { RecipientTransitions } from './recipient-status.js';
import { NotificationService } from '../notifications/NotificationService.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';

export interface CampaignFields {
  name: string;
  channel: MessageChannel;
  templateId: string;
  audience?: LeadFilter | null;
  startAt?: Date | null;
  windowStartHour?: number | null;
  windowEndHour?: number | null;
  frequencyCapDays?: number | null;
}

export interface CampaignStats {
  total: number;
  queued: number;
  sending: number;
  /** Messages that went out: SENT and every status after it (DELIVERED … OPTED_OUT, and BOUNCED after acceptance). */
  sent: number;
  delivered: number;
  bounced: number;
  opened: number;
  clicked: number;
  replied: number;
  optedOut: number;
  skipped: number;
  failed: number;
  cancelled: number;
  /** QUEUED recipients waiting for their sending window. */
  deferred: number;
  skippedByReason: { reason: SkipReason; count: number }[];
}

/**
 * Campaigns: a template sent to a saved lead filter. `launch` snapshots the audience into
 * recipients and enqueues `campaign-send` jobs in batches (CampaignSender, workers/campaign-send.ts), which checks
 * the campaign's state, the sending window, consent and the frequency cap at send time.
 */
export class CampaignService {
  constructor(private readonly scope: ServiceScope) {}

  list(): Promise<Campaign[]> {
    return this.scope.em.find(Campaign, {}, { orderBy: { createdAt: 'desc', id: 'desc' } });
  }

  get(id: string): Promise<Campaign> {
    return findOrNotFound(this.scope.em, Campaign, id, 'Campaign');
  }

  async create(input: CampaignFields): Promise<Campaign> {
    const actor = requireActor(this.scope);
    const template = await this.template(input.templateId, input.channel);
    const start = v.intRange(input.windowStartHour, 'input.windowStartHour', 0, 23) ?? 9;
    const end = v.intRange(input.windowEndHour, 'input.windowEndHour', 1, 24) ?? 20;
    if (start === end)
      throw new ValidationError('The sending window is empty (start equals end)', 'input.windowEndHour');
    const campaign = this.scope.em.create(Campaign, {
      name: v.requiredText(input.name, 'input.name', 200),
      channel: input.channel,
      templateId: template.id,
      audience: cleanAudience(input.audience ?? {}),
      startAt: input.startAt ?? undefined,
      windowStartHour: start,
      windowEndHour: end,
      frequencyCapDays: v.intRange(input.frequencyCapDays, 'input.frequencyCapDays', 1, 365),
      createdById: actor.id,
    });
    if (campaign.startAt && Number.isNaN(campaign.startAt.getTime()))
      throw new ValidationError('input.startAt is not a valid time', 'input.startAt');
    await this.scope.em.flush();
    return campaign;
  }

  /**
   * Evaluates the audience, writes one recipient per lead (leads without a usable address are
   * SKIPPED as INVALID_ADDRESS, and a lead whose address an earlier lead of the audience has already
   * is SKIPPED as DUPLICATE_CONTACT, so each address gets one copy), marks the campaign RUNNING (SCHEDULED with a
   * future start) and
   * enqueues the sends. An empty audience or a campaign already launched changes nothing.
   */
  async launch(id: string): Promise<Campaign> {
    const actor = requireActor(this.scope);
    const { em } = this.scope;
    const campaign = await this.get(id);
    if (campaign.status !== CampaignStatus.DRAFT)
      throw new ValidationError(`This campaign is ${campaign.status}; only a DRAFT can be launched`, 'id');
    if (campaign.channel === MessageChannel.SMS) {
      const org = await em.findOne(
        Organization,
        { id: actor.organizationId },
        { fields: ['id', 'smsNumber'] as never },
      );
      if (!org?.smsNumber)
        throw new ValidationError(
          'Set the organization’s SMS number first (setOrganizationSmsNumber); SMS campaigns are sent from it',
          'id',
        );
    }
    await this.template(campaign.templateId, campaign.channel);
    const now = new Date();
    const rows = await this.audienceRecipients(campaign, now);
    const startsLater = !!campaign.startAt && campaign.startAt > now;
    await em.transactional(async (tem) => {
      const claimed = await tem.nativeUpdate(
        Campaign,
        { id: campaign.id, status: CampaignStatus.DRAFT },
        { status: startsLater ? CampaignStatus.SCHEDULED : CampaignStatus.RUNNING, launchedAt: now },
      );
      if (claimed !== 1) throw new ValidationError('This campaign is being launched already', 'id');
      for (let i = 0; i < rows.length; i += 2_000) await tem.insertMany(CampaignRecipient, rows.slice(i, i + 2_000));
    });
    const queued = rows.filter((r) => r.status === RecipientStatus.QUEUED);
    await this.scope.deps.queues.enqueueCampaignSends(
      campaign.channel,
      actor.organizationId,
      campaign.id,
      campaign.generation,
      queued.map((r) => ({ id: r.id, notBefore: startsLater ? campaign.startAt : null })),
    );
    if (!queued.length) await this.completeIfDone(campaign.id);
    this.announce(campaign.id);
    await em.refresh(campaign);
    return campaign;
  }

  /**
   * The audience snapshot: one recipient per lead in the filter, QUEUED, or SKIPPED as
   * INVALID_ADDRESS / DUPLICATE_CONTACT (one copy per contact point: the earliest lead with an
   * address gets it), with the time zone of the lead's property for the sending window.
   */
  private async audienceRecipients(campaign: Campaign, now: Date) {
    const { em } = this.scope;
    const leads = await em.find(Lead, em.getRepository(Lead).where(campaign.audience), {
      fields: ['id', 'email', 'phone', 'propertyId'] as never,
      orderBy: { createdAt: 'asc', id: 'asc' },
    });
    if (leads.length === 0) throw new ValidationError('The audience matches no leads', 'id');
    const states = await em
      .getRepository(Property)
      .statesOf([...new Set(leads.map((l) => l.propertyId).filter((p): p is string => !!p))]);
    const seen = new Set<string>();
    return leads.map((lead) => {
      const address = contactPoint(campaign.channel, lead);
      const duplicate = !!address && seen.has(address);
      if (address) seen.add(address);
      return {
        id: crypto.randomUUID(),
        organizationId: campaign.organizationId,
        campaignId: campaign.id,
        leadId: lead.id,
        toAddress: address ?? undefined,
        timeZone: timeZoneForState(lead.propertyId ? states.get(lead.propertyId) : null),
        status: address && !duplicate ? RecipientStatus.QUEUED : RecipientStatus.SKIPPED,
        reason: !address ? SkipReason.INVALID_ADDRESS : duplicate ? SkipReason.DUPLICATE_CONTACT : undefined,
        createdAt: now,
        updatedAt: now,
      };
    });
  }

  /** Stops sends not yet made; they stay QUEUED until resumed. */
  async pause(id: string): Promise<Campaign> {
    return this.transition(id, [CampaignStatus.RUNNING, CampaignStatus.SCHEDULED], CampaignStatus.PAUSED);
  }

  /** Re-enqueues the sends still QUEUED (with fresh job ids), each at its deferred time if it has one. */
  async resume(id: string): Promise<Campaign> {
    const campaign = await this.get(id);
    const startsLater = !!campaign.startAt && campaign.startAt > new Date();
    await this.transition(
      id,
      [CampaignStatus.PAUSED],
      startsLater ? CampaignStatus.SCHEDULED : CampaignStatus.RUNNING,
      { generation: campaign.generation + 1 },
    );
    await this.scope.em.refresh(campaign);
    const queued = await this.scope.em.find(
      CampaignRecipient,
      { campaignId: campaign.id, status: RecipientStatus.QUEUED },
      { fields: ['id', 'deferredUntil'] as never },
    );
    await this.scope.deps.queues.enqueueCampaignSends(
      campaign.channel,
      campaign.organizationId,
      campaign.id,
      campaign.generation,
      queued.map((r) => ({ id: r.id, notBefore: startsLater ? campaign.startAt : r.deferredUntil })),
    );
    if (!queued.length) await this.completeIfDone(campaign.id);
    return campaign;
  }

  /** Sends not yet made become CANCELLED; what was sent stays sent. */
  async cancel(id: string): Promise<Campaign> {
    const campaign = await this.transition(
      id,
      [CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING, CampaignStatus.PAUSED],
      CampaignStatus.CANCELLED,
      {
        completedAt: new Date(),
      },
    );
    await new RecipientTransitions(this.scope.em).cancelQueued({ campaignId: campaign.id });
    return campaign;
  }

  /** Counts by status. */
  async stats(campaign: Campaign): Promise<CampaignStats> {
    const rows: { status: RecipientStatus; reason: SkipReason | null; went_out: boolean; n: string }[] =
      await this.scope.em.execute(
        `select status, reason, sent_at is not null as went_out, count(*) as n
           from campaign_recipients where campaign_id = ? group by 1, 2, 3`,
        [campaign.id],
      );
    const stats: CampaignStats = {
      total: 0,
      queued: 0,
      sending: 0,
      sent: 0,
      delivered: 0,
      bounced: 0,
      opened: 0,
      clicked: 0,
      replied: 0,
      optedOut: 0,
      skipped: 0,
      failed: 0,
      cancelled: 0,
      deferred: 0,
      skippedByReason: [],
    };
    const keys: Record<RecipientStatus, keyof CampaignStats | null> = {
      QUEUED: 'queued',
      SENDING: 'sending',
      SENT: null,
      DELIVERED: 'delivered',
      BOUNCED: 'bounced',
      OPENED: 'opened',
      CLICKED: 'clicked',
      REPLIED: 'replied',
      OPTED_OUT: 'optedOut',
      SKIPPED: 'skipped',
      FAILED: 'failed',
      CANCELLED: 'cancelled',
    };
    for (const r of rows) {
      const n = Number(r.n);
      stats.total += n;
      const key = keys[r.status];
      if (key) (stats[key] as number) += n;
      if (r.went_out) stats.sent += n;
      if (r.status === RecipientStatus.QUEUED && r.reason === SkipReason.QUIET_HOURS_DEFERRED) stats.deferred += n;
      if (r.status === RecipientStatus.SKIPPED && r.reason) stats.skippedByReason.push({ reason: r.reason, count: n });
    }
    stats.skippedByReason.sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
    return stats;
  }

  /** The campaign's recipients, a page at a time, in a stable order. */
  recipients(campaign: Campaign, filter: RecipientFilter, page: PageRequest): Promise<Page<CampaignRecipient>> {
    return this.scope.em.getRepository(CampaignRecipient).page(campaign.organizationId, campaign.id, filter, page);
  }

  /** Marks a running campaign COMPLETED once no recipient is QUEUED or SENDING. True when it did. */
  async completeIfDone(campaignId: string): Promise<boolean> {
    const rows = await this.scope.em.execute<{ id: string; name: string; created_by_id: string | null }[]>(
      `update campaigns set status = 'COMPLETED', completed_at = now(), updated_at = now()
        where id = ? and status = 'RUNNING'
          and not exists (select 1 from campaign_recipients where campaign_id = ? and status in ('QUEUED', 'SENDING'))
        returning id, name, created_by_id`,
      [campaignId, campaignId],
    );
    const done = rows[0];
    if (done?.created_by_id)
      await new NotificationService(this.scope).notify({
        userId: done.created_by_id,
        kind: NotificationKind.JOB_FINISHED,
        title: `Campaign “${done.name}” finished sending`,
        dedupeKey: `campaign-done:${done.id}:${Date.now()}`, // a replay that reopens it may finish it again
      });
    return rows.length > 0;
  }

  /** A replay reopened recipients of a COMPLETED campaign: it is RUNNING again until they are done. */
  async reopen(campaignId: string): Promise<void> {
    await this.scope.em.nativeUpdate(Campaign, { id: campaignId, status: CampaignStatus.COMPLETED }, {
      status: CampaignStatus.RUNNING,
      completedAt: null,
    } as never);
  }

  /**
   * Whether a campaign's batch may send now: not while DRAFT, PAUSED or COMPLETED; a SCHEDULED one
   * whose start came becomes RUNNING with its first batch.
   */
  async startSending(campaign: Campaign): Promise<boolean> {
    if (campaign.status === CampaignStatus.SCHEDULED)
      await this.scope.em.nativeUpdate(
        Campaign,
        { id: campaign.id, status: CampaignStatus.SCHEDULED },
        { status: CampaignStatus.RUNNING },
      );
    return campaign.status === CampaignStatus.SCHEDULED || campaign.status === CampaignStatus.RUNNING;
  }

  private async transition(
    id: string,
    from: CampaignStatus[],
    to: CampaignStatus,
    extra: Partial<Campaign> = {},
  ): Promise<Campaign> {
    const campaign = await this.get(id);
    const changed = await this.scope.em.nativeUpdate(
      Campaign,
      { id: campaign.id, status: { $in: from } },
      { status: to, ...extra },
    );
    if (changed !== 1) {
      await this.scope.em.refresh(campaign);
      throw new ValidationError(`This campaign is ${campaign.status}; it cannot become ${to}`, 'id');
    }
    await this.scope.em.refresh(campaign);
    this.announce(campaign.id);
    return campaign;
  }

  private async template(id: string, channel: MessageChannel): Promise<MessageTemplate> {
    const template = await findOrNotFound(this.scope.em, MessageTemplate, id, 'MessageTemplate').catch(() => {
      throw new ValidationError('No such template', 'input.templateId');
    });
    if (template.channel !== channel)
      throw new ValidationError(
        `This is an ${template.channel} template; the campaign sends ${channel}`,
        'input.templateId',
      );
    if (template.archivedAt) throw new ValidationError('This template is archived', 'input.templateId');
    return template;
  }

  private announce(campaignId: string): void {
    const actor = requireActor(this.scope);
    this.scope.deps.pubsub.publish(Topics.CAMPAIGNS, actor.organizationId, {
      organizationId: actor.organizationId,
      campaignId,
    });
  }
}

/** The lead's address for the channel, normalized; null when missing or unusable. */
function contactPoint(channel: MessageChannel, lead: Lead): string | null {
  const raw = channel === MessageChannel.EMAIL ? lead.email : lead.phone;
  if (!raw) return null;
  try {
    return normalizeContactPoint(channel, raw);
  } catch {
    return null;
  }
}

function cleanAudience(a: LeadFilter): LeadFilter {
  const out: LeadFilter = {};
  if (a.search?.trim()) out.search = a.search.trim();
  if (a.statuses?.length) out.statuses = a.statuses;
  if (a.sources?.length) out.sources = a.sources;
  if (a.assignedUserId) out.assignedUserId = v.uuid(a.assignedUserId, 'input.audience.assignedUserId');
  if (a.propertyId) out.propertyId = v.uuid(a.propertyId, 'input.audience.propertyId');
  if (a.createdAfter) out.createdAfter = a.createdAfter;
  if (a.createdBefore) out.createdBefore = a.createdBefore;
  return out;
}
