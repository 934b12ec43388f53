import type { Queues } from '../../platform/jobs/queues.js';
import type { Logger } from '../../platform/observability/logger.js';

/**
 * Turns an organization's changes into analytics folds, coalesced: every change within one window
 * of time (ANALYTICS_WINDOW_MS) adds the same job — its id is the organization and the window —
 * which runs at the window's end (workers/analytics-rollup.ts → AnalyticsService.fold), folds the
 * activity deltas into the daily rollup and tells `analyticsUpdated` subscribers. A burst of a
 * thousand mutations in a second is four folds and four pushes at the default 250 ms, whichever
 * API process made them; each process also skips asking twice for the same window.
 *
 * Fed by every data event the services publish (AppPubSub.onDataEvent) and by changes that publish
 * none (marketing spend).
 */
export class AnalyticsSignal {
  private readonly asked = new Map<string, number>();

  constructor(
    private readonly queues: Queues,
    private readonly windowMs: number,
    private readonly log: Logger,
  ) {}

  changed(organizationId: string): void {
    const window = Math.floor(Date.now() / this.windowMs);
    if (this.asked.get(organizationId) === window) return;
    if (this.asked.size >= 10_000) this.asked.clear();
    this.asked.set(organizationId, window);
    // The numbers are exact without the fold (readers add the deltas); only the push would wait.
    this.queues
      .enqueueAnalytics(organizationId, window, this.windowMs)
      .catch((err: Error) => this.log.warn({ organizationId, err: err.message }, 'could not queue an analytics fold'));
  }
}
