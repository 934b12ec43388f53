/**
 * Answers of analytics sections, per process, under the section's version: for each kind of change
 * the section reads (section-tables.ts), the total weight and highest id of the organization's
 * `analytics_changes` rows of that kind — see the migrations that write them (a fold trims the rows
 * and keeps every version). A dashboard asked again before anything changed is served from memory;
 * a committed change of a kind a section reads gives the next reader another version of that
 * section, so a cached answer is never stale. Concurrent askers of the same answer share one
 * computation. Least recently used answers go first, when there are too many or — for the parts
 * that keep sorted values (cohort.ts), which say their size — when they take too much memory; an
 * answer is kept at most 10 minutes.
 */
interface Entry {
  at: number;
  value: Promise<unknown>;
  /** Set once computed, for answers that also depend on the clock. */
  until?: number;
  /** Bytes counted against the budget, once computed. */
  bytes: number;
}

export class AnalyticsCache {
  private readonly entries = new Map<string, Entry>();
  /** Answers served from memory, and computed, since the process started. */
  hits = 0;
  misses = 0;

  /** Bytes of the answers that said their size. */
  bytes = 0;

  constructor(
    private readonly maxEntries = 2_000,
    private readonly maxAgeMs = 10 * 60_000,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /**
   * The answer under `key`, computed once. `validUntil` (of a computed answer) says until when it
   * holds regardless of its version — answers that depend on the clock as well; once passed, the
   * next asker computes it again. `sizeOf` (of a computed answer) says how many bytes it holds, for
   * answers large enough to count against the memory budget.
   */
  get<T>(
    key: string,
    compute: () => Promise<T>,
    validUntil?: (value: T) => number,
    sizeOf?: (value: T) => number,
  ): Promise<T> {
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
    const entry: Entry = { at: now, value, bytes: 0 };
    this.remove(key);
    this.entries.set(key, entry);
    value.then(
      (v) => {
        if (validUntil) entry.until = validUntil(v);
        if (sizeOf && this.entries.get(key) === entry) {
          entry.bytes = sizeOf(v);
          this.bytes += entry.bytes;
          this.trim();
        }
      },
      () => this.entries.get(key) === entry && this.remove(key),
    );
    this.trim();
    return value;
  }

  private remove(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }

  /** Drops the least recently used answers while there are too many, or they take too much memory. */
  private trim() {
    while (this.entries.size > this.maxEntries || (this.bytes > this.maxBytes && this.entries.size > 1))
      this.remove(this.entries.keys().next().value!);
  }
}
