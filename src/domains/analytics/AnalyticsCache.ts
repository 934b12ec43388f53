/**
 * Answers of analytics sections, per process, under the organization's analytics version (the
 * count and highest id of its `analytics_changes` rows — see that migration): a dashboard asked
 * again before anything changed is served from memory, and any committed change gives the next
 * reader another version, so a cached answer is never stale. Concurrent askers of the same answer
 * share one computation. Least recently used answers go first; an answer is kept at most 10 minutes.
 */
export class AnalyticsCache {
  private readonly entries = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly maxEntries = 2_000,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.maxAgeMs) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    const value = compute();
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
