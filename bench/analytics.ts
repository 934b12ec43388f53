import { print, visit, type FieldNode, type OperationDefinitionNode } from 'graphql';
import pg from 'pg';
import { DashboardDocument } from '../client/index.js';
import { Role } from '../entities/enums.js';
import type { Config } from '../src/platform/config.js';
import { apiWithToken, fmt, median, percentile, timedPost } from './lib.js';

const LEADS = Number(process.env.BENCH_ANALYTICS_LEADS ?? 200_000);
const DEALS = Math.floor(LEADS / 2);
const ACTIVITIES = LEADS * 10;
const ROUNDS = 3;
const PER_ROUND = 10;
const SOURCES = ['DIRECT_MAIL', 'COLD_CALL', 'SMS', 'PPC', 'SEO', 'REFERRAL', 'DRIVING_FOR_DOLLARS', 'LIST_IMPORT'];
const PATH = ['NEW', 'CONTACTED', 'APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION', 'UNDER_CONTRACT', 'CLOSED_WON'];

/**
 * One organization the size the issue names: 200,000 leads over two years, 100,000 deals with stage
 * histories (each walked some way along the pipeline, some lost), 2,000,000 activities and 24
 * months of spend per source — bulk SQL as the owner, the triggers keeping lead counters as usual.
 */
async function fixture(config: Config): Promise<{ organizationId: string; userId: string }> {
  const db = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await db.connect();
  if (process.env.BENCH_KEEP_DB === '1') {
    const { rows } = await db.query<{ organizationId: string; userId: string }>(
      `select o.id as "organizationId", u.id as "userId" from organizations o join users u on u.organization_id = o.id
        where o.name = 'analytics bench' and u.role = 'OWNER' limit 1`,
    );
    if (rows[0]) return (await db.end(), rows[0]);
  }
  const org = crypto.randomUUID();
  const users = Array.from({ length: 10 }, () => crypto.randomUUID());
  await db.query(`insert into organizations (id, name, time_zone) values ($1, 'analytics bench', 'America/Chicago')`, [
    org,
  ]);
  await db.query(
    `insert into users (id, organization_id, email, name, role, password_hash)
     select u, $1, 'a-' || u || '@example.com', 'Agent ' || n,
            (case when n = 1 then 'OWNER' else 'AGENT' end)::user_role, 'x'
       from unnest($2::uuid[]) with ordinality as t(u, n)`,
    [org, users],
  );
  await db.query(
    `insert into leads (id, organization_id, created_at, updated_at, first_name, last_name, source, status,
                        assigned_user_id)
     select gen_random_uuid(), $1, now() - (i % 730) * interval '1 day' - (i % 1440) * interval '1 minute', now(),
            'Seller', 'No' || i, ($2::text[])[1 + i % 8]::lead_source,
            (array['NEW','CONTACTED','QUALIFIED','NURTURE','DEAD'])[1 + i % 5]::lead_status, ($3::uuid[])[1 + i % 10]
       from generate_series(1, $4::int) as i`,
    [org, SOURCES, users, LEADS],
  );
  await db.query(
    `insert into activities (id, organization_id, created_at, updated_at, lead_id, type, direction, occurred_at,
                             user_id)
     select gen_random_uuid(), $1, now(), now(), l.id,
            (array['CALL','SMS','EMAIL','NOTE','VOICEMAIL'])[1 + k % 5]::activity_type,
            (case when k % 7 = 0 then 'INBOUND' else 'OUTBOUND' end)::activity_direction,
            l.created_at + k * interval '2 days', l.assigned_user_id
       from (select id, created_at, assigned_user_id from leads where organization_id = $1) l,
            generate_series(1, $2::int) as k`,
    [org, ACTIVITIES / LEADS],
  );
  await db.query(
    `insert into properties (id, organization_id, address_line, city, state, zip, normalized_address)
     select gen_random_uuid(), $1, i || ' Bench St', 'Austin', 'TX', '78701', i || ' bench st|78701'
       from generate_series(1, $2::int) as i`,
    [org, DEALS],
  );
  // Statistics for the fresh rows first: without them the planner joins the two numbered lists below
  // in a nested loop (100,000 × 100,000 comparisons).
  await db.query('analyze leads, properties');
  await db.query(
    `insert into deals (id, organization_id, created_at, updated_at, title, lead_id, property_id, stage,
                        stage_changed_at, offer_amount, assignment_fee, assigned_user_id)
     select gen_random_uuid(), $1, l.created_at + interval '3 days', now(), 'Deal ' || l.n, l.id, p.id,
            (case when l.n % 9 = 0 then 'CLOSED_LOST' else ($2::text[])[1 + l.n % 7] end)::deal_stage,
            l.created_at + interval '10 days', 100000 + (l.n % 200) * 1000,
            case when l.n % 7 = 6 then 5000 + (l.n % 20) * 500 end, l.assigned_user_id
       from (select id, created_at, assigned_user_id, row_number() over (order by id) as n from leads
              where organization_id = $1 limit $3) l
       join (select id, row_number() over (order by id) as n from properties where organization_id = $1) p
         on p.n = l.n`,
    [org, PATH, DEALS],
  );
  // Stage history: every stage from NEW to the deal's stage; a lost deal went NEW, CONTACTED, CLOSED_LOST.
  await db.query(
    `insert into deal_stage_changes (id, organization_id, deal_id, from_stage, to_stage, at, by_user_id)
     select gen_random_uuid(), $1, d.id, case when s.k > 1 then ($2::text[])[s.k - 1]::deal_stage end,
            ($2::text[])[s.k]::deal_stage, d.created_at + (s.k - 1) * interval '2 days', d.assigned_user_id
       from deals d cross join lateral generate_series(1, case when d.stage = 'CLOSED_LOST' then 2
                                                          else array_position($2::text[], d.stage::text) end) as s(k)
      where d.organization_id = $1`,
    [org, PATH],
  );
  await db.query(
    `insert into deal_stage_changes (id, organization_id, deal_id, from_stage, to_stage, at, by_user_id, note)
     select gen_random_uuid(), $1, d.id, 'CONTACTED', 'CLOSED_LOST', d.created_at + interval '4 days',
            d.assigned_user_id, 'Listed'
       from deals d where d.organization_id = $1 and d.stage = 'CLOSED_LOST'`,
    [org],
  );
  await db.query(
    `insert into marketing_spend (id, organization_id, source, label, amount, period_start, period_end)
     select gen_random_uuid(), $1, s::lead_source, s || ' ' || m, 500 + (m * 37) % 3000,
            (date_trunc('month', now()) - m * interval '1 month')::date,
            (date_trunc('month', now()) - (m - 1) * interval '1 month' - interval '1 day')::date
       from unnest($2::text[]) as s, generate_series(0, 23) as m`,
    [org, SOURCES],
  );
  await db.query('vacuum analyze'); // what autovacuum does after a bulk load
  await db.end();
  return { organizationId: org, userId: users[0]! };
}

/** The same dashboard numbers as plain aggregate SQL over the raw tables (funnel, ROI, stages, revenue). */
const RAW_SQL = [
  `with c as (select id from leads where organization_id = $1 and created_at >= $2 and created_at < $3)
   select (select count(*) from c),
          (select count(distinct a.lead_id) from activities a join c on c.id = a.lead_id
            where a.organization_id = $1 and a.direction = 'OUTBOUND' and a.type <> 'NOTE'),
          (select count(distinct d.lead_id) from deals d join c on c.id = d.lead_id where d.organization_id = $1)`,
  `select l.source, count(distinct l.id), count(distinct d.id) filter (where d.stage = 'CLOSED_WON'),
          sum(d.assignment_fee) filter (where d.stage = 'CLOSED_WON')
     from leads l left join deals d on d.lead_id = l.id and d.organization_id = $1
    where l.organization_id = $1 and l.created_at >= $2 and l.created_at < $3 group by l.source`,
  `select source, sum(amount) from marketing_spend where organization_id = $1 and period_end >= $2::date
      and period_start < $3::date group by source`,
  `select to_stage, percentile_cont(0.5) within group (order by d) from (
     select to_stage, at, extract(epoch from lead(at) over (partition by deal_id order by at) - at) as d
       from deal_stage_changes where organization_id = $1) x
    where d is not null and at >= $2 and at < $3 group by to_stage`,
  `select date_trunc('week', s.at), count(*), sum(d.assignment_fee)
     from deal_stage_changes s join deals d on d.id = s.deal_id
    where s.organization_id = $1 and s.to_stage = 'CLOSED_WON' and s.at >= $2 and s.at < $3 group by 1`,
];

/**
 * The full dashboard (every section of `analytics`, LAST_QUARTER) over HTTP, one request at a time,
 * beside the same numbers as plain aggregate SQL straight to PostgreSQL (five statements), alternating
 * rounds. Targets (issue 13): p95 ≤ 50 ms and ≥ 10× faster than the raw SQL.
 */
export async function benchAnalytics(config: Config): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const { organizationId, userId } = await fixture(config);
  const seedSeconds = (performance.now() - t0) / 1000;
  const { app, token } = await apiWithToken(config, { id: userId, organizationId, role: Role.OWNER });
  const body = JSON.stringify({ query: print(DashboardDocument), variables: { range: { preset: 'LAST_QUARTER' } } });
  const api = () => timedPost(app.url, token, body);
  const db = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await db.connect();
  // A change before each request: an activity, as a logged call makes one (the lead was contacted
  // before, so only activity counts move), or a new lead.
  const lead = (
    await db.query<{ id: string }>(
      `select lead_id as id from analytics_lead_facts where organization_id = $1 and contacted_at is not null limit 1`,
      [organizationId],
    )
  ).rows[0]!;
  const change = () =>
    db.query(
      `insert into activities (id, organization_id, lead_id, type, direction, occurred_at, user_id)
       values (gen_random_uuid(), $1, $2, 'CALL', 'OUTBOUND', now(), $3)`,
      [organizationId, lead.id, userId],
    );
  const changed = async () => (await change(), api());
  // A new lead moves every section that counts leads (the funnel, ROI, team, most series).
  const newLead = async () => {
    await db.query(
      `insert into leads (id, organization_id, created_at, updated_at, first_name, last_name, source, status)
       values (gen_random_uuid(), $1, now(), now(), 'Seller', 'Bench', 'PPC', 'NEW')`,
      [organizationId],
    );
    return api();
  };
  // A deal moved (between OFFER_MADE and NEGOTIATION, with its history row), as moveDeal writes it: it
  // moves every section that reads deals, their stages or their leads' progress.
  const deal = (
    await db.query<{ id: string }>(
      `select id from deals where organization_id = $1 and stage = 'OFFER_MADE' order by id limit 1`,
      [organizationId],
    )
  ).rows[0]!;
  const move = () =>
    db.query(
      `with d as (update deals
                      set stage = (case when stage = 'OFFER_MADE' then 'NEGOTIATION' else 'OFFER_MADE' end)::deal_stage,
                          stage_changed_at = now(), updated_at = now()
                   where id = $2 returning id, stage)
       insert into deal_stage_changes (id, organization_id, deal_id, from_stage, to_stage, at, by_user_id)
       select gen_random_uuid(), $1, d.id,
              (case when d.stage = 'OFFER_MADE' then 'NEGOTIATION' else 'OFFER_MADE' end)::deal_stage, d.stage,
              now(), $3
         from d`,
      [organizationId, deal.id, userId],
    );
  const moved = async () => (await move(), api());
  const end = new Date();
  const start = new Date(end.getTime() - 92 * 86_400_000);
  const raw = async () => {
    const t = performance.now();
    for (const sql of RAW_SQL) await db.query(sql, [organizationId, start, end]);
    return performance.now() - t;
  };
  await api();
  await raw();
  const rounds = {
    api: [] as number[][],
    cold: [] as number[][],
    lead: [] as number[][],
    move: [] as number[][],
    raw: [] as number[][],
  };
  const order: [keyof typeof rounds, () => Promise<number>][] = [
    ['api', api],
    ['cold', changed],
    ['lead', newLead],
    ['move', moved],
    ['raw', raw],
  ];
  for (let r = 0; r < ROUNDS; r++)
    for (const [name, fn] of r % 2 ? [...order].reverse() : order) {
      const times: number[] = [];
      for (let i = 0; i < PER_ROUND; i++) times.push(await fn());
      rounds[name].push(times.sort((a, b) => a - b));
    }
  const sections = await sectionTimes(async (b) => (await change(), timedPost(app.url, token, b)));
  const afterMove = await sectionTimes(async (b) => (await move(), timedPost(app.url, token, b)));
  await db.end();
  await app.stop();
  const out = {
    leads: LEADS,
    deals: DEALS,
    activities: ACTIVITIES,
    seedSeconds,
    apiP50: median(rounds.api.map((t) => percentile(t, 50))),
    apiP95: median(rounds.api.map((t) => percentile(t, 95))),
    coldP50: median(rounds.cold.map((t) => percentile(t, 50))),
    coldP95: median(rounds.cold.map((t) => percentile(t, 95))),
    leadP50: median(rounds.lead.map((t) => percentile(t, 50))),
    leadP95: median(rounds.lead.map((t) => percentile(t, 95))),
    moveP50: median(rounds.move.map((t) => percentile(t, 50))),
    moveP95: median(rounds.move.map((t) => percentile(t, 95))),
    rawP50: median(rounds.raw.map((t) => percentile(t, 50))),
    rawP95: median(rounds.raw.map((t) => percentile(t, 95))),
    sections,
    afterMove,
  };
  console.log(
    `\nAnalytics dashboard (${LEADS.toLocaleString()} leads, ${DEALS.toLocaleString()} deals with stage histories, ` +
      `${ACTIVITIES.toLocaleString()} activities, 24 months of spend; LAST_QUARTER, every section; ` +
      `${ROUNDS} alternating rounds of ${PER_ROUND})\n` +
      `  analytics over HTTP, asked again:   p50 ${fmt(out.apiP50)} ms  p95 ${fmt(out.apiP95)} ms  ` +
      `(target p95 ≤ 50 ms)\n` +
      `  analytics over HTTP, after a logged call: p50 ${fmt(out.coldP50)} ms  p95 ${fmt(out.coldP95)} ms\n` +
      `  analytics over HTTP, after a new lead:   p50 ${fmt(out.leadP50)} ms  p95 ${fmt(out.leadP95)} ms\n` +
      `  analytics over HTTP, after a deal move:  p50 ${fmt(out.moveP50)} ms  p95 ${fmt(out.moveP95)} ms\n` +
      `  raw aggregate SQL (5 statements, pg): p50 ${fmt(out.rawP50)} ms  p95 ${fmt(out.rawP95)} ms  ` +
      `(raw/analytics p50 ×${fmt(out.rawP50 / out.apiP50, 2)} asked again, ` +
      `×${fmt(out.rawP50 / out.coldP50, 2)} after a logged call, ` +
      `×${fmt(out.rawP50 / out.leadP50, 2)} after a new lead, ` +
      `×${fmt(out.rawP50 / out.moveP50, 2)} after a deal move; ` +
      `target ≥ ×10)\n` +
      `  each section alone after a logged call, p50 ms: ${Object.entries(sections)
        .map(([k, ms]) => `${k} ${fmt(ms)}`)
        .join(', ')}\n` +
      `  each section alone after a deal move, p50 ms: ${Object.entries(afterMove)
        .map(([k, ms]) => `${k} ${fmt(ms)}`)
        .join(', ')}`,
  );
  return { analytics: out };
}

/** Each section of the dashboard asked alone after a change (median of 5), to see where the time goes. */
async function sectionTimes(post: (body: string) => Promise<number>): Promise<Record<string, number>> {
  const op = DashboardDocument.definitions[0] as OperationDefinitionNode;
  const analytics = op.selectionSet.selections[0] as FieldNode;
  const out: Record<string, number> = {};
  for (const section of analytics.selectionSet!.selections as FieldNode[]) {
    const name = section.alias?.value ?? section.name.value;
    const doc = visit(DashboardDocument, {
      Field: (node) =>
        node === analytics ? { ...node, selectionSet: { ...node.selectionSet!, selections: [section] } } : undefined,
    });
    const body = JSON.stringify({ query: print(doc), variables: { range: { preset: 'LAST_QUARTER' } } });
    const times: number[] = [];
    for (let i = 0; i < 5; i++) times.push(await post(body));
    out[name] = median(times);
  }
  return out;
}
