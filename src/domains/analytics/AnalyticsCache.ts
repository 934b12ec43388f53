/**
 * Answers of analytics sections, per process, under the section's version: for each kind of change
 * the section reads (section-tables.ts), the count and highest id of the organization's
 * `analytics_changes` rows of that kind — see that migration. A dashboard asked again before
 * anything changed is served from memory; a committed change of a kind a section reads gives the
 * next reader another version of that section, so a cached answer is never stale. Concurrent askers of the same answer
 * share one computation. Least recently used answers go first; an answer is kept at most 10 minutes.
 */
export class AnalyticsCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();
  /** Answers served from memory, and computed, since the process started. */
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxEntries = 2_000,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.maxAgeMs) {
      this.hits++;
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    this.misses++;
    const value = compute();
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
