import { QueueName, type AutomationRunJob } from '../src/platform/jobs/queues.js';
import type { JobSpec } from './index.js';

/**
 * `automation-run`: an organization's waiting events through its rules (AutomationService.process).
 * When another engine holds the organization, this comes back in the next window; nothing to mark
 * on give-up (the events stay waiting and the sweep queues them again).
 */
export const automationRun: JobSpec<AutomationRunJob> = {
  queue: QueueName.AUTOMATION,
  name: 'automation-run',
  concurrency: (base) => Math.max(base, 5),
  run: async (job, services) => {
    const result = await services.automation.process();
    if (!result.leased) await services.automation.kickLater(job.data.organizationId);
    return result;
  },
  giveUp: () => Promise.resolve(),
};
