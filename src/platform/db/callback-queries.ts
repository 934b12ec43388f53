import type { Pool } from 'pg';

type QueryCallback = (err: Error | null, result?: unknown) => void;
type Queryable = { query(config: unknown, values?: unknown, callback?: QueryCallback): unknown };

/** Whether pg would answer this call with a callback (not a promise) as it is. */
function hasCallback(config: unknown, values: unknown, callback: unknown): boolean {
  if (callback !== undefined || typeof values === 'function') return true;
  if (typeof config !== 'object' || config === null) return false;
  const c = config as { submit?: unknown; callback?: unknown };
  return typeof c.submit === 'function' || typeof c.callback === 'function';
}

/**
 * Makes the pool's clients answer promise-style queries through pg's callback path. Without a
 * callback, pg's `Client.query` makes the query object and then stores a new closure (over the
 * promise's resolve and reject) in its `callback` field; that store kept each statement's query,
 * result rows and the awaiting request alive through young-generation collections, until a full
 * collection (3–6 KB a statement, measured in a bare pg script; docs/architecture.md, "The list
 * page and the writes, traced"). Given the callback up front, pg stores it while making the query,
 * and the statement's objects die young. The answers, errors and ordering are pg's own: this only
 * chooses which of pg's two calling conventions runs (the promise one also re-captures an error's
 * stack; stacks never reach a client). Kysely (under MikroORM) uses the promise one.
 *
 * Installed from the pool's creation hook, before the pool has made any client: pg-pool makes
 * clients with `pool.Client`, which becomes a subclass of it. Returns false (and changes nothing)
 * when the pool does not look like pg-pool.
 */
export function answerQueriesByCallback(pool: Pool): boolean {
  const p = pool as unknown as { Client?: new (...args: unknown[]) => Queryable };
  const Base = p.Client;
  if (typeof Base !== 'function' || typeof Base.prototype.query !== 'function') return false;
  p.Client = class CallbackQueryClient extends Base {
    override query(config: unknown, values?: unknown, callback?: QueryCallback): unknown {
      // A missing query throws synchronously in pg; keep that.
      if (config == null || hasCallback(config, values, callback)) return super.query(config, values, callback);
      return new Promise((resolve, reject) => {
        super.query(config, values, (err, result) => (err ? reject(err) : resolve(result)));
      });
    }
  };
  return true;
}
