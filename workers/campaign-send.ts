import { QueueName, type CampaignSendJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/**
 * `campaign-send`: one batch of a campaign's recipients, on the channel's queue (CampaignSender:
 * consent, sending window and frequency cap at send time; claim, send, mark SENT).
 */
export const campaignSend: JobSpec<CampaignSendJob>[] = [
  { queue: QueueName.EMAIL, concurrency: (base: number) => Math.max(base, 50) },
  { queue: QueueName.SMS, concurrency: (base: number) => Math.max(base, 20) },
].map(({ queue, concurrency }) => ({
  queue,
  name: 'campaign-send',
  // I/O-bound: SMTP/HTTP round trips and small queries
  concurrency,
  run: (job, services) => services.campaignSends.sendBatch(job),
  giveUp: (data, error, services) => services.campaignSends.gaveUp(data, error.message),
}));
