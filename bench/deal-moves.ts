import pg from 'pg';
import { seed } from '../src/cli/seed.js';
import type { Config } from '../src/platform/config.js';
import { createDeps } from '../src/platform/deps.js';
import { MIGRATIONS } from '../src/migrations/index.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { cpuMs, fmt, median } from './lib.js';

/** Earlier stage changes of the deals moved: a typical deal, a busy one, and one moved hundreds of times. */
const HISTORIES = [8, 60, 460];
const MOVES = Number(process.env.BENCH_MOVES ?? 60);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const REFRESH = 'Migration20261207100000_analytics_refresh_diff';
/** The refreshes before REFRESH, and since. */
type Version = 'before' | 'now';

/**
 * What one move costs Postgres as a deal's history grows, with the analytics refreshes of
 * Migration20261207100000_analytics_refresh_diff (plans kept per connection; a deal's visits and
 * facts written where they differ) beside the ones before it (that migration's `down`: planned on
 * every call; the deal's visits and facts deleted and inserted again). Each move is the
 * statements `moveDeal` sends (the deal's update, its stage change; every trigger fires), in its own
 * transaction, rolled back so the history stays the same size; per move: the backend's CPU, the
 * time, and the WAL written. ROUNDS alternating rounds, medians. The current refreshes are in place
 * again at the end.
 */
export async function benchDealMoves(config: Config): Promise<Record<string, unknown>> {
  const deps = await createDeps(config, createLogger('warn'));
  const { organizationId } = await seed(deps);
  await deps.close();
  // The settings the app's connections carry (src/platform/orm.ts).
  const db = new pg.Client({
    connectionString: config.databaseOwnerUrl,
    options: '-c jit=off -c plan_cache_mode=force_generic_plan',
  });
  await db.connect();
  const sql = { before: await downSql(), now: await migrationSql(REFRESH, 'up') };
  const results: Record<Version, Record<number, { cpu: number[]; ms: number[]; wal: number[] }>> = {
    before: {},
    now: {},
  };
  try {
    await db.query(`select set_config('app.organization_id', $1, false)`, [organizationId]);
    const deals = await padHistories(db, organizationId);
    const backend = (await db.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    for (let round = 0; round < ROUNDS; round++)
      for (const version of (round % 2 ? ['now', 'before'] : ['before', 'now']) as Version[]) {
        await db.query(sql[version]);
        // Each round's rolled-back moves leave dead rows (hundreds per move before); a
        // round starts on vacuumed tables, as autovacuum would keep them.
        await db.query('vacuum (analyze) analytics_stage_visits, analytics_deal_facts, analytics_lead_facts, deals');
        for (const [history, deal] of deals) {
          const r = await moves(db, backend, deal);
          const slot = (results[version][history] ??= { cpu: [], ms: [], wal: [] });
          slot.cpu.push(r.cpu);
          slot.ms.push(r.ms);
          slot.wal.push(r.wal);
        }
      }
  } finally {
    await db.query(sql.now);
    await db.end();
  }
  return report(results);
}

/** A migration's statements, up or down. */
async function migrationSql(name: string, direction: 'up' | 'down'): Promise<string> {
  const M = MIGRATIONS.find((m) => m.name === name)!.class;
  const m = new M(null as never, null as never);
  await m[direction]();
  return m.getQueries().join(';\n');
}

/** The refreshes as they were: REFRESH's `down`, checked against the migrations that defined them. */
async function downSql(): Promise<string> {
  const sql = await migrationSql(REFRESH, 'down');
  const earlier = [
    await migrationSql('Migration20261206170000_analytics_fact_changes', 'up'),
    await migrationSql('Migration20261206180000_analytics_lead_cohorts', 'up'),
  ];
  for (const body of sql.split('$$').filter((_, i) => i % 2 === 1))
    if (!earlier.some((e) => e.includes(body)))
      throw new Error('a refresh in the down migration is not the earlier one');
  return sql;
}

/** One deal per history size, given that many stage changes (a day ago, a second apart). */
async function padHistories(db: pg.Client, organizationId: string): Promise<Map<number, string>> {
  const ids = (
    await db.query<{ id: string }>(`select id from deals where organization_id = $1 order by id limit $2`, [
      organizationId,
      HISTORIES.length,
    ])
  ).rows.map((r) => r.id);
  const deals = new Map<number, string>();
  for (const [i, history] of HISTORIES.entries()) {
    const id = ids[i]!;
    await db.query(
      `insert into deal_stage_changes (id, organization_id, deal_id, from_stage, to_stage, at)
       select gen_random_uuid(), $1, $2, 'CONTACTED',
              case when g % 2 = 0 then 'APPOINTMENT_SET' else 'CONTACTED' end::deal_stage,
              now() - interval '1 day' + g * interval '1 second'
         from generate_series(1, $3::int - (select count(*)::int from deal_stage_changes where deal_id = $2)) g`,
      [organizationId, id, history],
    );
    deals.set(history, id);
  }
  return deals;
}

/** MOVES moves of `deal`, each rolled back: medians of the backend's CPU and the time, and WAL, per move. */
async function moves(db: pg.Client, backend: number, deal: string): Promise<{ cpu: number; ms: number; wal: number }> {
  const times: number[] = [];
  const lsn = async () => (await db.query<{ l: string }>('select pg_current_wal_insert_lsn()::text as l')).rows[0]!.l;
  const walStart = await lsn();
  const cpuStart = cpuMs(backend);
  for (let i = 0; i < MOVES; i++) {
    const t = performance.now();
    await db.query('begin');
    const { rows } = await db.query<{ was: string }>(
      `update deals d set stage = case when o.was = 'CONTACTED' then 'APPOINTMENT_SET' else 'CONTACTED' end::deal_stage,
                          updated_at = now()
         from (select id, stage as was from deals where id = $1 for update) o
        where d.id = o.id returning o.was`,
      [deal],
    );
    await db.query(
      `insert into deal_stage_changes (id, organization_id, deal_id, from_stage, to_stage, at)
       select gen_random_uuid(), organization_id, id, $2::deal_stage, stage, clock_timestamp()
         from deals where id = $1`,
      [deal, rows[0]!.was],
    );
    await db.query('rollback');
    times.push(performance.now() - t);
  }
  const cpu = (cpuMs(backend) - cpuStart) / MOVES;
  const wal = Number(
    (await db.query<{ b: string }>('select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1) as b', [walStart])).rows[0]!
      .b,
  );
  return { cpu, ms: median(times), wal: wal / MOVES };
}

function report(results: Record<Version, Record<number, { cpu: number[]; ms: number[]; wal: number[] }>>) {
  console.log(
    `\nDeal moves: Postgres per move (the deal's update and its stage change, every trigger), medians of ` +
      `${ROUNDS} alternating rounds of ${MOVES} moves; the analytics refreshes now beside those before ${REFRESH}`,
  );
  console.log('  earlier changes   CPU ms: before / now       time ms: before / now       WAL KB: before / now');
  const out: Record<string, unknown> = {};
  for (const history of HISTORIES) {
    const [a, b] = [results.before[history]!, results.now[history]!];
    const row = {
      cpuMs: { before: median(a.cpu), now: median(b.cpu) },
      ms: { before: median(a.ms), now: median(b.ms) },
      walKb: { before: median(a.wal) / 1024, now: median(b.wal) / 1024 },
    };
    out[history] = row;
    console.log(
      `  ${String(history).padStart(15)}   ${fmt(row.cpuMs.before, 2).padStart(9)} / ` +
        `${fmt(row.cpuMs.now, 2).padEnd(12)}${fmt(row.ms.before, 2).padStart(10)} / ${fmt(row.ms.now, 2).padEnd(12)}` +
        `${fmt(row.walKb.before).padStart(9)} / ${fmt(row.walKb.now)}`,
    );
  }
  return { dealMoves: out };
}
