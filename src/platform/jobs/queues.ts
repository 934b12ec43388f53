import { Queue, type JobsOptions } from 'bullmq';
import { MessageChannel } from '../../../entities/enums.js';
import { redisHealth, type Redis } from '../redis.js';
import { jobIds } from './job-ids.js';

/** Queue names. One queue per kind of work so each can be scaled and watched alone. */
export const QueueName = {
  GEOCODE: 'geocode',
  ENRICH: 'enrich',
  MEMO: 'memo',
  /** One-off emails and email campaign sends. */
  EMAIL: 'email',
  /** SMS campaign sends. */
  SMS: 'sms',
  IMPORT: 'import',
  /** Task reminders and notification digests, delayed until they are due. */
  REMINDER: 'reminder',
  /** Folding an organization's analytics changes in, at most one job per organization per window. */
  ANALYTICS: 'analytics',
  /** Sequence steps, each delayed until it is due. */
  SEQUENCE: 'sequence',
  /** Automation rules over an organization's events, one engine per organization at a time. */
  AUTOMATION: 'automation',
  /** Outbound webhooks: `webhook-dispatch` (an organization's new events → deliveries), `webhook-deliver` (one try). */
  WEBHOOK: 'webhook',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

/** Job payloads: ids only, always with the organization so the worker scopes itself. */
export interface GeocodePropertyJob {
  organizationId: string;
  propertyId: string;
  /** The normalized address the job was made for; a newer address makes this job stale. */
  normalizedAddress: string;
}

export interface EnrichPropertyJob {
  organizationId: string;
  propertyId: string;
}

export interface GenerateMemoJob {
  organizationId: string;
  memoId: string;
}

export interface SendMessageJob {
  organizationId: string;
  messageId: string;
}

export interface CampaignSendJob {
  organizationId: string;
  campaignId: string;
  /** The recipients this job sends to (a batch). */
  recipientIds?: string[];
  /** One recipient (jobs made before batching). */
  recipientId?: string;
}

export interface TaskReminderJob {
  organizationId: string;
  taskId: string;
  /** The task's reminderVersion when the reminder was scheduled; a rescheduled task has moved on. */
  version: number;
}

export interface NotificationDigestJob {
  organizationId: string;
  userId: string;
  /** The local day (`YYYY-MM-DD`, organization's time zone) and hour it is for. */
  day: string;
  hour: number;
}

export interface ImportCsvJob {
  organizationId: string;
  importId: string;
}

export interface AnalyticsRollupJob {
  organizationId: string;
}

export interface SequenceStepJob {
  organizationId: string;
  /** The steps this job runs (a batch due at the same time; see Queues.enqueueSequenceSteps). */
  steps: { enrollmentId: string; stepIndex: number }[];
}

export interface AutomationRunJob {
  organizationId: string;
}

/** `webhook-dispatch`: the organization's events not yet turned into deliveries. */
export interface WebhookDispatchJob {
  organizationId: string;
}

/** `webhook-deliver`: try number `attempt` of one delivery (a replay is one try asked for by a person). */
export interface WebhookDeliverJob {
  organizationId: string;
  deliveryId: string;
  attempt: number;
  replay?: boolean;
}

export type WebhookJob = WebhookDispatchJob | WebhookDeliverJob;

/** Jobs on the `email` and `sms` queues, told apart by job name (`send-message`, `campaign-send`). */
export type OutreachJob = SendMessageJob | CampaignSendJob;

/** Attempts with exponential backoff and jitter; finished jobs kept a day, failed ones a week. */
export function jobOptions(attempts: number, backoffMs: number): JobsOptions {
  return {
    attempts,
    backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 10_000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/**
 * The key prefix of one queue. On a Redis Cluster every key a BullMQ script touches must sit in one
 * hash slot, so each queue's prefix carries a hash tag of its own (`{reos:email}`): a queue's keys
 * stay together, and the queues spread over the masters. On one server the prefix is left as it is,
 * so existing queues keep their keys.
 */
export function queuePrefix(connection: Redis, prefix: string, queue: string): string {
  return connection.isCluster ? `{${prefix}:${queue}}` : prefix;
}

export class Queues {
  readonly geocode: Queue<GeocodePropertyJob>;
  readonly enrich: Queue<EnrichPropertyJob>;
  readonly memo: Queue<GenerateMemoJob>;
  readonly email: Queue<OutreachJob>;
  readonly sms: Queue<OutreachJob>;
  readonly import: Queue<ImportCsvJob>;
  readonly reminder: Queue<TaskReminderJob | NotificationDigestJob>;
  readonly analytics: Queue<AnalyticsRollupJob>;
  readonly sequence: Queue<SequenceStepJob>;
  readonly automation: Queue<AutomationRunJob>;
  readonly webhook: Queue<WebhookJob>;

  constructor(
    connection: Redis,
    readonly prefix: string,
    options: JobsOptions = jobOptions(5, 1_000),
  ) {
    const defaultJobOptions = options;
    const at = (queue: QueueName) => ({ connection, prefix: queuePrefix(connection, prefix, queue) });
    this.geocode = new Queue<GeocodePropertyJob>(QueueName.GEOCODE, { ...at(QueueName.GEOCODE), defaultJobOptions });
    this.enrich = new Queue<EnrichPropertyJob>(QueueName.ENRICH, { ...at(QueueName.ENRICH), defaultJobOptions });
    this.memo = new Queue<GenerateMemoJob>(QueueName.MEMO, { ...at(QueueName.MEMO), defaultJobOptions });
    this.email = new Queue<OutreachJob>(QueueName.EMAIL, { ...at(QueueName.EMAIL), defaultJobOptions });
    this.sms = new Queue<OutreachJob>(QueueName.SMS, { ...at(QueueName.SMS), defaultJobOptions });
    this.import = new Queue<ImportCsvJob>(QueueName.IMPORT, { ...at(QueueName.IMPORT), defaultJobOptions });
    this.reminder = new Queue<TaskReminderJob | NotificationDigestJob>(QueueName.REMINDER, {
      ...at(QueueName.REMINDER),
      defaultJobOptions,
    });
    // Each window gets its own job, so nothing needs retrying: a failed fold is folded by the next one.
    this.analytics = new Queue<AnalyticsRollupJob>(QueueName.ANALYTICS, {
      ...at(QueueName.ANALYTICS),
      defaultJobOptions: { ...defaultJobOptions, removeOnComplete: { age: 3600, count: 1_000 } },
    });
    this.sequence = new Queue<SequenceStepJob>(QueueName.SEQUENCE, { ...at(QueueName.SEQUENCE), defaultJobOptions });
    this.automation = new Queue<AutomationRunJob>(QueueName.AUTOMATION, {
      ...at(QueueName.AUTOMATION),
      defaultJobOptions: { ...defaultJobOptions, removeOnComplete: { age: 3600, count: 1_000 } },
    });
    this.webhook = new Queue<WebhookJob>(QueueName.WEBHOOK, {
      ...at(QueueName.WEBHOOK),
      defaultJobOptions: { ...defaultJobOptions, removeOnComplete: { age: 3600, count: 10_000 } },
    });
    // Without a listener BullMQ prints every connection error during an outage.
    for (const queue of this.all()) queue.on('error', (err) => redisHealth.report(err, `queue error (${queue.name})`));
  }

  /**
   * Enqueues geocoding for one address of one property. The job id is derived from the property
   * and address, so enqueuing the same work twice is a no-op; a finished job for the same address
   * is cleared first so an address changed back to an earlier value is geocoded again.
   */
  async enqueueGeocode(data: GeocodePropertyJob): Promise<string> {
    return addOnce(this.geocode, 'geocode-property', data, jobIds.geocode(data.propertyId, data.normalizedAddress));
  }

  /**
   * Geocoding for many new properties at once (CSV imports), 1,000 jobs per addBulk, same job ids as enqueueGeocode.
   */
  async enqueueGeocodeBulk(items: GeocodePropertyJob[]): Promise<void> {
    for (let i = 0; i < items.length; i += 1_000) {
      await this.geocode.addBulk(
        items.slice(i, i + 1_000).map((data) => ({
          name: 'geocode-property',
          data,
          opts: { jobId: jobIds.geocode(data.propertyId, data.normalizedAddress) },
        })),
      );
    }
  }

  /** Runs one CSV import; the import id makes the job id, so an import runs once however often it is asked for. */
  async enqueueImport(data: ImportCsvJob): Promise<string> {
    const jobId = jobIds.import(data.importId);
    await this.import.add('import-csv', data, { jobId });
    return jobId;
  }

  /**
   * Enqueues enrichment of one property. One job per property at a time: asking again while one
   * is waiting or running is a no-op; a finished one is cleared so the property can be refreshed.
   */
  async enqueueEnrich(data: EnrichPropertyJob): Promise<string> {
    return addOnce(this.enrich, 'enrich-property', data, jobIds.enrich(data.propertyId));
  }

  /**
   * Folds an organization's analytics changes at the end of the window `slice` (of `windowMs`): the
   * window makes the job id, so every change within one window adds one job.
   */
  async enqueueAnalytics(organizationId: string, slice: number, windowMs: number): Promise<void> {
    await this.analytics.add(
      'analytics-rollup',
      { organizationId },
      { jobId: jobIds.analytics(organizationId, slice), delay: Math.max(0, (slice + 1) * windowMs - Date.now()) },
    );
  }

  /** Renders one memo; the memo id makes the job id, so asking twice renders once. */
  async enqueueMemo(data: GenerateMemoJob): Promise<string> {
    const jobId = jobIds.memo(data.memoId);
    await this.memo.add('generate-memo', data, { jobId });
    return jobId;
  }

  /** Sends one message; the message id makes the job id, so a message is sent at most once per job. */
  async enqueueSend(data: SendMessageJob, at?: Date | null): Promise<string> {
    // A message held for its window gets a job per time it waits for, so the running job can hand over.
    const jobId = at ? `${jobIds.send(data.messageId)}-at-${at.getTime()}` : jobIds.send(data.messageId);
    await this.email.add('send-message', data, {
      jobId,
      delay: at ? Math.max(0, at.getTime() - Date.now()) : undefined,
    });
    return jobId;
  }

  /**
   * Enqueues a campaign's sends in bulk: recipients in batches of `batchSize` per job (one job sends
   * them all, see workers/campaign-send.ts), 1,000 jobs per addBulk. Recipients that wait for
   * different times (resume: each one's deferred window) are batched by that time. Job ids carry
   * the campaign's generation and the batch's first recipient, so a resumed campaign gets fresh jobs
   * while re-adding within one generation is a no-op.
   */
  async enqueueCampaignSends(
    channel: MessageChannel,
    organizationId: string,
    campaignId: string,
    generation: number,
    recipients: { id: string; notBefore?: Date | null }[],
    batchSize = 25,
  ): Promise<number> {
    const now = Date.now();
    const byTime = new Map<number, string[]>();
    for (const r of recipients) {
      const at = r.notBefore ? Math.max(now, r.notBefore.getTime()) : now;
      const ids = byTime.get(at);
      if (ids) ids.push(r.id);
      else byTime.set(at, [r.id]); // (spreading into a new array per recipient made launches quadratic)
    }
    const jobs: { name: string; data: CampaignSendJob; opts: JobsOptions }[] = [];
    for (const [at, ids] of byTime) {
      for (let i = 0; i < ids.length; i += batchSize) {
        const recipientIds = ids.slice(i, i + batchSize);
        jobs.push({
          name: 'campaign-send',
          data: { organizationId, campaignId, recipientIds },
          opts: { jobId: jobIds.campaignBatch(recipientIds[0]!, generation), delay: at > now ? at - now : undefined },
        });
      }
    }
    for (let i = 0; i < jobs.length; i += 1_000) await this.forChannel(channel).addBulk(jobs.slice(i, i + 1_000));
    return recipients.length;
  }

  /** One recipient of a batch that must wait (its sending window, another worker's claim): a job of its own at `at`. */
  async enqueueCampaignFollowUp(
    channel: MessageChannel,
    organizationId: string,
    campaignId: string,
    recipientId: string,
    at: Date,
  ): Promise<void> {
    await this.forChannel(channel).add(
      'campaign-send',
      { organizationId, campaignId, recipientIds: [recipientId] },
      { jobId: jobIds.campaignFollowUp(recipientId, at), delay: Math.max(0, at.getTime() - Date.now()) },
    );
  }

  /**
   * A task's reminder at `at` (at once when that has passed). The id names the task and its
   * schedule version, so scheduling the same reminder twice is a no-op.
   */
  async scheduleTaskReminder(data: TaskReminderJob, at: Date): Promise<void> {
    const jobId = jobIds.taskReminder(data.taskId, data.version);
    await this.reminder.add('task-reminder', data, { jobId, delay: Math.max(0, at.getTime() - Date.now()) });
  }

  /** A user's daily digest for one day and hour; scheduling it twice is a no-op. */
  async scheduleDigest(data: NotificationDigestJob, at: Date): Promise<void> {
    const jobId = jobIds.digest(data.userId, data.day, data.hour);
    await this.reminder.add('notification-digest', data, { jobId, delay: Math.max(0, at.getTime() - Date.now()) });
  }

  /**
   * Drops a reminder that has not fired. One already running is left alone: it finds its task
   * rescheduled, done or cancelled and does nothing.
   */
  async cancelTaskReminder(taskId: string, version: number): Promise<void> {
    const job = await this.reminder.getJob(jobIds.taskReminder(taskId, version));
    if (job && (await job.isDelayed())) await job.remove().catch(() => undefined);
  }

  /**
   * Sequence steps at their times: steps due at the same moment in batches of `batchSize` (50) per job
   * (one job runs them all, see SequenceRunner), 1,000 jobs per addBulk. The id names the batch's
   * first step and the time, so adding the same steps twice is a no-op while a step moved later
   * (its sending window) gets a job of its own.
   */
  async enqueueSequenceSteps(
    organizationId: string,
    steps: { enrollmentId: string; stepIndex: number; at: Date }[],
    batchSize = 50,
  ): Promise<void> {
    const now = Date.now();
    const byTime = new Map<number, { enrollmentId: string; stepIndex: number }[]>();
    for (const { at, ...step } of steps) {
      const list = byTime.get(at.getTime());
      if (list) list.push(step);
      else byTime.set(at.getTime(), [step]);
    }
    const jobs: { name: string; data: SequenceStepJob; opts: JobsOptions }[] = [];
    for (const [at, list] of byTime)
      for (let i = 0; i < list.length; i += batchSize) {
        const batch = list.slice(i, i + batchSize);
        const first = batch[0]!;
        jobs.push({
          name: 'sequence-step',
          data: { organizationId, steps: batch },
          opts: {
            jobId: jobIds.sequenceStep(first.enrollmentId, first.stepIndex, new Date(at)),
            delay: at > now ? at - now : undefined,
          },
        });
      }
    for (let i = 0; i < jobs.length; i += 1_000) await this.sequence.addBulk(jobs.slice(i, i + 1_000));
  }

  /** Runs an organization's automation rules over its waiting events; one job per organization per window. */
  async enqueueAutomation(organizationId: string, slice: number, windowMs: number): Promise<void> {
    await this.automation.add(
      'automation-run',
      { organizationId },
      { jobId: jobIds.automation(organizationId, slice), delay: Math.max(0, (slice + 1) * windowMs - Date.now()) },
    );
  }

  /** Fans an organization's new webhook events out to deliveries; one job per organization per window. */
  async enqueueWebhookDispatch(organizationId: string, slice: number, windowMs: number): Promise<void> {
    await this.webhook.add(
      'webhook-dispatch',
      { organizationId },
      { jobId: jobIds.webhookDispatch(organizationId, slice), delay: Math.max(0, (slice + 1) * windowMs - Date.now()) },
    );
  }

  /**
   * Tries of deliveries, each at its time; the id names the delivery and the try, so asking twice is
   * a no-op. `again` (the sweep, for a try whose job was lost) clears a finished job of that id first.
   */
  async enqueueWebhookDeliveries(items: (WebhookDeliverJob & { at?: Date })[], again = false): Promise<void> {
    const now = Date.now();
    const jobs = items.map(({ at, ...data }) => ({
      name: 'webhook-deliver',
      data,
      opts: {
        jobId: data.replay
          ? jobIds.webhookReplay(data.deliveryId, data.attempt)
          : jobIds.webhookDelivery(data.deliveryId, data.attempt),
        delay: at && at.getTime() > now ? at.getTime() - now : undefined,
      },
    }));
    if (again) for (const j of jobs) await addOnce(this.webhook, j.name, j.data, j.opts.jobId);
    else for (let i = 0; i < jobs.length; i += 1_000) await this.webhook.addBulk(jobs.slice(i, i + 1_000));
  }

  /** The queue a channel's sends go on. */
  forChannel(channel: MessageChannel): Queue<OutreachJob> {
    return channel === MessageChannel.SMS ? this.sms : this.email;
  }

  /** Every queue, for metrics and shutdown. */
  all(): Queue[] {
    return [
      this.geocode as Queue,
      this.enrich as Queue,
      this.memo as Queue,
      this.email as Queue,
      this.sms as Queue,
      this.import as Queue,
      this.reminder as Queue,
      this.analytics as Queue,
      this.sequence as Queue,
      this.automation as Queue,
      this.webhook as Queue,
    ];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}

/**
 * Adds a job under a deterministic id: a no-op while one with that id waits or runs; a finished or
 * failed one is removed first, so the same work can be asked for again later.
 */
async function addOnce<T>(queue: Queue<T>, name: string, data: T, jobId: string): Promise<string> {
  const existing = await queue.getJob(jobId);
  if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove();
  await (queue as Queue).add(name, data, { jobId });
  return jobId;
}
