import type { Pool } from 'pg';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { redisHealth } from '../redis.js';
import { tenantSwitchCount } from '../tenancy/tenant-context.js';
import { sqlStatements } from '../orm.js';
import type { AppDeps } from '../deps.js';

/**
 * How often the event-loop delay histogram (nodejs_eventloop_lag_*) takes a sample. prom-client's
 * default, 10 ms, is a native timer that wakes an idle process 100 times a second: about 5 ms of CPU
 * per second with no traffic on the machines this was measured on, where each wake-up costs 50-90 µs
 * (docs/architecture.md, Performance). A sample every 100 ms still catches any stall longer than
 * that, which is what the metric is for.
 */
const EVENT_LOOP_SAMPLE_MS = 100;

/**
 * Prometheus metrics for one process, served at /metrics: operations by name and type, their
 * latency, errors by code, active subscriptions, queue depths, job durations and the DB pool.
 * Queue depths and the pool are read when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations: Counter<'operation_name' | 'operation_type' | 'outcome'>;
  private readonly duration: Histogram<'operation_name' | 'operation_type'>;
  private readonly errors: Counter<'code'>;
  readonly activeSubscriptions: Gauge;
  readonly slowConsumers: Counter;
  readonly jobDuration: Histogram<'queue' | 'outcome'>;

  constructor(deps: Pick<AppDeps, 'orm' | 'queues'>) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    this.operations = new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations by name, type and outcome (ok or error)',
      labelNames: ['operation_name', 'operation_type', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operation latency',
      labelNames: ['operation_name', 'operation_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.errors = new Counter({
      name: 'graphql_errors_total',
      help: 'GraphQL errors by extensions.code',
      labelNames: ['code'],
      registers,
    });
    this.activeSubscriptions = new Gauge({
      name: 'graphql_active_subscriptions',
      help: 'Open GraphQL subscriptions',
      registers,
    });
    this.slowConsumers = new Counter({
      name: 'ws_slow_consumer_closes_total',
      help: 'Sockets closed with 4413 because their send buffer passed WS_MAX_BUFFERED_BYTES',
      registers,
    });
    new Counter({
      name: 'db_statements_total',
      help: 'SQL statements sent through the ORM',
      registers,
      collect() {
        this.reset();
        this.inc(sqlStatements.count);
      },
    });
    new Counter({
      name: 'db_tenant_switches_total',
      help: 'Reserved connections that had to be switched to another organization first (one set_config each)',
      registers,
      collect() {
        this.reset();
        this.inc(tenantSwitchCount());
      },
    });
    this.jobDuration = new Histogram({
      name: 'bullmq_job_duration_seconds',
      help: 'Time from a job starting to it finishing, by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    });
    new Gauge({
      name: 'bullmq_queue_jobs',
      help: 'Jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        if (!redisHealth.up) return; // counts would wait for Redis to come back
        // Redis may have gone a moment ago, before any connection noticed: a scrape never waits for it.
        const counted = Promise.all(
          deps.queues.all().map(async (queue) => ({
            queue: queue.name,
            counts: await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed'),
          })),
        );
        counted.catch(() => undefined);
        const all = await Promise.race([counted, new Promise<null>((r) => setTimeout(r, 1_000, null).unref())]);
        for (const { queue, counts } of all ?? [])
          for (const [state, n] of Object.entries(counts)) this.set({ queue, state }, n);
      },
    });
    new Gauge({
      name: 'redis_up',
      help: '1 while this process reaches Redis, 0 during an outage',
      registers,
      collect() {
        this.set(redisHealth.up ? 1 : 0);
      },
    });
    new Gauge({
      name: 'db_pool_connections',
      help: 'PostgreSQL pool connections by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const pool = (await deps.orm.em.getConnection().getNativeClient()) as Pool;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }

  observeOperation(name: string, type: string, seconds: number, errorCodes: string[]): void {
    this.operations.inc({ operation_name: name, operation_type: type, outcome: errorCodes.length ? 'error' : 'ok' });
    this.duration.observe({ operation_name: name, operation_type: type }, seconds);
    for (const code of errorCodes) this.errors.inc({ code });
  }
}
