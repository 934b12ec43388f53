import { createPubSub, type PubSub } from '@graphql-yoga/subscription';
import type { DealStage } from '../../entities/enums.js';
import { createRedisEventTarget } from './redis-event-target.js';
import { createRedis, type Redis, type RedisTarget } from './redis.js';

export enum PipelineEventType {
  DEAL_CREATED = 'DEAL_CREATED',
  DEAL_UPDATED = 'DEAL_UPDATED',
  DEAL_MOVED = 'DEAL_MOVED',
  LEAD_CREATED = 'LEAD_CREATED',
  LEAD_UPDATED = 'LEAD_UPDATED',
  /** The lead got another (or no) assignee; also sent as LEAD_UPDATED is not. */
  LEAD_ASSIGNED = 'LEAD_ASSIGNED',
  ACTIVITY_LOGGED = 'ACTIVITY_LOGGED',
  PROPERTY_CREATED = 'PROPERTY_CREATED',
  PROPERTY_UPDATED = 'PROPERTY_UPDATED',
  PROPERTY_ARCHIVED = 'PROPERTY_ARCHIVED',
  TASK_CREATED = 'TASK_CREATED',
  TASK_COMPLETED = 'TASK_COMPLETED',
  /** A lead's message arrived (an inbound SMS); the event names the lead and the message. */
  MESSAGE_RECEIVED = 'MESSAGE_RECEIVED',
}

/**
 * What travels over Redis: ids and small facts only. Subscribers re-read the rows with their own
 * organization-scoped EntityManager, so a payload never carries data a subscriber could not read.
 */
export interface PipelineEventPayload {
  type: PipelineEventType;
  organizationId: string;
  dealId?: string;
  leadId?: string;
  propertyId?: string;
  activityId?: string;
  taskId?: string;
  inboundMessageId?: string;
  fromStage?: DealStage | null;
  toStage?: DealStage;
  actorUserId?: string | null;
  at: string;
}

/** The one topic map. Each topic is routed by organization id, so channels are per organization. */
export const Topics = {
  PIPELINE: 'PIPELINE',
  MEMOS: 'MEMOS',
  JOBS: 'JOBS',
  CAMPAIGNS: 'CAMPAIGNS',
  INBOUND: 'INBOUND',
  /** Routed by user id, not organization: a notification reaches only its user's sockets. */
  NOTIFICATIONS: 'NOTIFICATIONS',
  /** The analytics job applied an organization's changes (src/domains/analytics/AnalyticsLive.ts). */
  ANALYTICS: 'ANALYTICS',
  /** A sequence step ran (sent, skipped, failed, deferred) or an enrollment began or ended. */
  SEQUENCES: 'SEQUENCES',
} as const;

/** Progress of one enrollment of a sequence; carries the facts a subscriber shows, so nothing is re-read per socket. */
export interface SequenceProgressPayload {
  organizationId: string;
  sequenceId: string;
  enrollmentId: string;
  leadId: string;
  /** The step it concerns (null for an enrollment that began or ended without a step). */
  stepIndex: number | null;
  /** A step status (SENT, DONE, SKIPPED, FAILED, SCHEDULED when deferred) or ENROLLED/COMPLETED/EXITED. */
  status: string;
  reason: string | null;
  at: string;
}

/** An organization's analytics moved on: the analytics job folded its changes in. */
export interface AnalyticsUpdatedPayload {
  organizationId: string;
  at: string;
}

/** A lead's message arrived (an inbound SMS: reply, STOP, START, HELP). */
export interface InboundEventPayload {
  organizationId: string;
  inboundMessageId: string;
}

/** A campaign's counts changed (sends made, skipped) or it was launched, paused, resumed, cancelled or completed. */
export interface CampaignEventPayload {
  organizationId: string;
  campaignId: string;
}

/** A job moved: progress, completion or failure. */
export interface JobEventPayload {
  organizationId: string;
  jobId: string;
  queue: string;
  state: string;
  progress: number;
  error: string | null;
}

/** A memo finished rendering. */
export interface MemoReadyPayload {
  organizationId: string;
  memoId: string;
}

/** A notification was stored for one user. */
export interface NotificationEventPayload {
  organizationId: string;
  userId: string;
  notificationId: string;
}

export type TopicArgs = {
  [Topics.PIPELINE]: [organizationId: string, payload: PipelineEventPayload];
  [Topics.MEMOS]: [organizationId: string, payload: MemoReadyPayload];
  [Topics.JOBS]: [organizationId: string, payload: JobEventPayload];
  [Topics.CAMPAIGNS]: [organizationId: string, payload: CampaignEventPayload];
  [Topics.INBOUND]: [organizationId: string, payload: InboundEventPayload];
  [Topics.NOTIFICATIONS]: [userId: string, payload: NotificationEventPayload];
  [Topics.ANALYTICS]: [organizationId: string, payload: AnalyticsUpdatedPayload];
  [Topics.SEQUENCES]: [organizationId: string, payload: SequenceProgressPayload];
};

/** Topics whose events are changes to an organization's data (each marks its analytics changed). */
const DATA_TOPICS: ReadonlySet<string> = new Set([
  Topics.PIPELINE,
  Topics.CAMPAIGNS,
  Topics.INBOUND,
  Topics.JOBS,
  Topics.SEQUENCES,
]);

export class AppPubSub {
  readonly engine: PubSub<Record<string, [string, unknown]>>;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  /** Called with the organization of every data event published (wired to AnalyticsLive.changed). */
  onDataEvent: ((organizationId: string) => void) | null = null;

  constructor(
    redis: RedisTarget,
    /** Namespace for channel names, so test runs and environments sharing a Redis stay apart. */
    readonly prefix: string,
  ) {
    this.publisher = createRedis(redis);
    this.subscriber = createRedis(redis);
    const eventTarget = createRedisEventTarget(this.publisher, this.subscriber);
    this.engine = createPubSub({ eventTarget: eventTarget as never }) as unknown as PubSub<
      Record<string, [string, unknown]>
    >;
  }

  /** The channel name type-graphql subscribes to for a topic. */
  topic(name: keyof TopicArgs): string {
    return `${this.prefix}:${name}`;
  }

  publish<K extends keyof TopicArgs>(name: K, ...[routingId, payload]: TopicArgs[K]): void {
    this.engine.publish(this.topic(name), routingId, payload);
    if (DATA_TOPICS.has(name)) this.onDataEvent?.(routingId);
  }

  async close(): Promise<void> {
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
