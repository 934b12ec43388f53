import { createHash } from 'node:crypto';

/**
 * Every BullMQ job id, built here and read back only here. Ids are deterministic (derived from the
 * work), so adding the same work twice is a no-op and a retry is safe; they never contain `:`.
 */
export const jobIds = {
  /** One address of one property: an address changed back to an earlier value gets the earlier id. */
  geocode: (propertyId: string, normalizedAddress: string) =>
    `geocode-${propertyId}-${createHash('sha256').update(normalizedAddress).digest('hex').slice(0, 16)}`,
  enrich: (propertyId: string) => `enrich-${propertyId}`,
  memo: (memoId: string) => `memo-${memoId}`,
  send: (messageId: string) => `send-${messageId}`,
  import: (importId: string) => `import-${importId}`,
  /** A batch of a campaign's recipients, named by its first recipient and the campaign's generation. */
  campaignBatch: (firstRecipientId: string, generation: number) => `campaign-${firstRecipientId}-g${generation}`,
  /** One recipient that waits (sending window, another worker's claim) until `at`. */
  campaignFollowUp: (recipientId: string, at: Date) => `campaign-${recipientId}-at${at.getTime()}`,
  /** A task's reminder for one schedule of it (the version changes when the task is rescheduled). */
  taskReminder: (taskId: string, version: number) => `reminder-${taskId}-v${version}`,
  /** A user's notification digest for one local day at one hour. */
  digest: (userId: string, day: string, hour: number) => `digest-${userId}-${day}-h${hour}`,
  /** An organization's analytics fold for one window of time. */
  analytics: (organizationId: string, slice: number) => `analytics-${organizationId}-w${slice}`,
  /** Sequence steps due at one time, named by the first (a step moved later by its sending window gets a new id). */
  sequenceStep: (enrollmentId: string, stepIndex: number, at: Date) =>
    `seq-${enrollmentId}-s${stepIndex}-t${Math.floor(at.getTime() / 1000)}`,
  /** An organization's automation run for one window of time. */
  automation: (organizationId: string, slice: number) => `automation-${organizationId}-w${slice}`,
  /** An organization's webhook fan-out for one window of time. */
  webhookDispatch: (organizationId: string, slice: number) => `webhooks-${organizationId}-w${slice}`,
  /** Try `attempt` of one webhook delivery. */
  webhookDelivery: (deliveryId: string, attempt: number) => `webhook-${deliveryId}-a${attempt}`,
  /** A person's replay of a delivery (its try number makes each replay request its own job). */
  webhookReplay: (deliveryId: string, attempt: number) => `webhook-${deliveryId}-r${attempt}`,
  /** The replay of a dead-lettered job (one replay per dead letter). */
  replay: (jobId: string, deadLetterId: string) => `${jobId}${REPLAY}${deadLetterId.slice(0, 8)}`,
};

const REPLAY = '-replay-';

/** Whether a job is the replay of a dead letter (see JobService.replay). */
export function isReplay(jobId: string | undefined): boolean {
  return !!jobId?.includes(REPLAY);
}
