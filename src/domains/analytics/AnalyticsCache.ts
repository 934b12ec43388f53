/**
 * Answers of analytics sections, per process, under the section's version: for each kind of change
 * the section reads (section-tables.ts), the total weight and highest id of the organization's
 * `analytics_changes` rows of that kind — see the migrations that write them (a fold trims the rows
 * and keeps every version). A dashboard asked again before anything changed is served from memory;
 * a committed change of a kind a section reads gives the next reader another version of that
 * section, so a cached answer is never stale. Concurrent askers of the same answer share one
 * computation. Least recently used answers go first; an answer is kept at most 10 minutes.
 */
interface Entry {
  at: number;
  value: Promise<unknown>;
  /** Set once computed, for answers that also depend on the clock. */
  until?: number;
}

export class AnalyticsCache {
  private readonly entries = new Map<string, Entry>();
  /** Answers served from memory, and computed, since the process started. */
  hits = 0;
  misses = 0;

  constructor(
    private readonly maxEntries = 2_000,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /**
   * The answer under `key`, computed once. `validUntil` (of a computed answer) says until when it
   * holds regardless of its version — answers that depend on the clock as well; once passed, the
   * next asker computes it again.
   */
  get<T>(key: string, compute: () => Promise<T>, validUntil?: (value: T) => number): Promise<T> {
    const hit = this.entries.get(key);
    const now = Date.now();
    if (hit && now - hit.at < this.maxAgeMs && !(hit.until !== undefined && now >= hit.until)) {
      this.hits++;
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      return hit.value as Promise<T>;
    }
    this.misses++;
    const value = compute();
    const entry: Entry = { at: now, value };
    this.entries.set(key, entry);
    value.then(
      (v) => validUntil && (entry.until = validUntil(v)),
      () => this.entries.get(key) === entry && this.entries.delete(key),
    );
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}
