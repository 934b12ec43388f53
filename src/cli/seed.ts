import pg from 'pg';
import {
  Role,
  ActivityType,
  TaskType,
  ConsentStatus,
  DealStage,
  Direction,
  LeadSource,
  LeadStatus,
  MessageChannel,
  PropertyType,
} from '../../entities/enums.js';
import { ConsentRecord, Lead, Organization, User } from '../../entities/index.js';
import { hashPassword } from '../platform/auth/password.js';
import type { AuthUser } from '../platform/auth/tokens.js';
import { loadConfig } from '../platform/config.js';
import { prepareDatabase } from '../platform/db/bootstrap.js';
import { createDeps } from '../platform/deps.js';
import { createLogger } from '../platform/observability/logger.js';
import { createServices } from '../domains/index.js';
import { seedFollowUp } from './seed-automation.js';
import type { AppDeps } from '../platform/deps.js';
import { ZIP_TABLE } from '../platform/providers/geocoder/zip-table.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { forkAnonymous, withTenant } from '../platform/tenancy/tenant-em.js';

/**
 * `npm run seed`: a demo organization with a realistic book of business — hundreds of properties,
 * leads with timelines, and deals in every stage — created through the same services the API uses.
 * Sign in as demo@realestateos.dev / demo-password-123. Running it again does nothing.
 */
export const DEMO = {
  email: 'demo@realestateos.dev',
  password: 'demo-password-123',
  organization: 'Lone Star Home Buyers (demo)',
};

const STREETS = [
  'Oak',
  'Maple',
  'Cedar',
  'Pecan',
  'Elm',
  'Willow',
  'Magnolia',
  'Live Oak',
  'Bluebonnet',
  'Juniper',
  'Mesquite',
  'Sycamore',
  'Hickory',
  'Cypress',
  'Post Oak',
];
const SUFFIXES = ['St', 'Ave', 'Dr', 'Ln', 'Ct', 'Blvd', 'Way', 'Trl'];
const FIRST = [
  'James',
  'Maria',
  'Robert',
  'Linda',
  'Michael',
  'Patricia',
  'David',
  'Barbara',
  'Jose',
  'Susan',
  'Carlos',
  'Karen',
  'Daniel',
  'Nancy',
  'Thomas',
  'Betty',
  'Luis',
  'Dorothy',
];
const LAST = [
  'Garcia',
  'Johnson',
  'Smith',
  'Martinez',
  'Brown',
  'Davis',
  'Lopez',
  'Wilson',
  'Anderson',
  'Hernandez',
  'Moore',
  'Taylor',
  'Thomas',
  'Jackson',
  'White',
  'Harris',
];
const TAGS = [
  'absentee',
  'vacant',
  'probate',
  'tax-delinquent',
  'pre-foreclosure',
  'tired-landlord',
  'high-equity',
  'code-violation',
];
const MOTIVATION = [
  'Inherited the house, lives out of state',
  'Behind on taxes',
  'Tenants stopped paying',
  'Relocating for work in 60 days',
  'Needs major repairs, cannot afford them',
  'Divorce; both parties want out',
  'Downsizing after retirement',
];

/** Small deterministic PRNG so every seed produces the same demo data. */
function rng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

export async function seed(
  deps: AppDeps,
  counts = { properties: 300, deals: 160 },
): Promise<{ created: boolean; organizationId: string }> {
  const { orm } = deps;
  const existing = await forkAnonymous(orm)
    .getConnection()
    .execute<{ organization_id: string }[]>('select organization_id from auth_login_lookup(?)', [DEMO.email]);
  if (existing[0]) return { created: false, organizationId: existing[0].organization_id };

  const org = new Organization();
  org.name = DEMO.organization;
  // So SMS campaigns and texts work in the demo (offline SMS provider); another organization of this
  // database may already have the first demo number.
  org.smsNumber = await freeDemoNumber(deps.config.databaseOwnerUrl);
  await withTenant(orm, org.id, (em) => fill(deps, org, em, counts));
  await spreadOverTwoYears(deps.config.databaseOwnerUrl, org.id);
  // After the history is spread: these leads are new.
  await withTenant(orm, org.id, async (em) => {
    const people = await em.find(User, { role: Role.AGENT }, { orderBy: { email: 'asc' } });
    const owner = await em.findOneOrFail(User, { email: DEMO.email });
    const actor: AuthUser = { id: owner.id, organizationId: org.id, role: Role.OWNER };
    await seedFollowUp(() => createServices({ em: em.fork({ clear: true }), actor, deps }), em, people);
  });
  return { created: true, organizationId: org.id };
}

/** The first of the demo's SMS numbers (+15125550100 to +15125550199) no organization has. */
async function freeDemoNumber(ownerUrl: string): Promise<string> {
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ n: string }>(
      `select x.n from generate_series(100, 199) as i, lateral (select '+15125550' || i as n) x
        where not exists (select 1 from organizations o where o.sms_number = x.n)
        order by i limit 1`,
    );
    if (!rows[0]) throw new Error('Every demo SMS number (+15125550100 to +15125550199) has an organization');
    return rows[0].n;
  } finally {
    await db.end();
  }
}

/**
 * Demo history: the services stamp everything "now", so analytics would show one busy day. Each
 * seeded lead (with its timeline, deals and their stage history) is moved back by a stable amount of
 * up to two years, except the leads the demo's conversations are about (their texts are today), and the lead
 * counters are recomputed. History tables are append-only for the app role, so this runs as the
 * database owner — seed data only, never the service.
 */
async function spreadOverTwoYears(ownerUrl: string, organizationId: string): Promise<void> {
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    await db.query('begin');
    await db.query(
      `create temp table shift on commit drop as
         select l.id as lead_id, (abs(hashtext(l.id::text)) % 720) * interval '1 day' as back
           from leads l
          where l.organization_id = $1
            and not exists (select 1 from inbound_messages i where i.lead_id = l.id)
            and not exists (select 1 from activities a
                             where a.lead_id = l.id and a.type = 'NOTE' and a.body like '@%')`,
      [organizationId],
    );
    await db.query(`update leads l set created_at = l.created_at - s.back from shift s where l.id = s.lead_id`);
    await db.query(`update activities a set occurred_at = a.occurred_at - s.back, created_at = a.created_at - s.back
                       from shift s where a.lead_id = s.lead_id`);
    await db.query(`update deals d
                       set created_at = d.created_at - s.back, stage_changed_at = d.stage_changed_at - s.back
                      from shift s where d.lead_id = s.lead_id`);
    await db.query(`update deal_stage_changes c set at = c.at - s.back
                       from deals d join shift s on s.lead_id = d.lead_id where c.deal_id = d.id`);
    await db.query(`update campaign_recipients r set sent_at = r.sent_at - s.back from shift s
                     where r.lead_id = s.lead_id and r.sent_at is not null`);
    await db.query(
      `update leads l set last_activity_at = a.last_any, last_contacted_at = a.last_out, last_inbound_at = a.last_in
         from (select lead_id, max(occurred_at) as last_any,
                      max(occurred_at) filter (where direction = 'OUTBOUND' and type <> 'NOTE') as last_out,
                      max(occurred_at) filter (where direction = 'INBOUND') as last_in
                 from activities where organization_id = $1 group by lead_id) a
        where l.id = a.lead_id`,
      [organizationId],
    );
    await db.query('commit');
  } catch (err) {
    await db.query('rollback');
    throw err;
  } finally {
    await db.end();
  }
}

async function fill(
  deps: AppDeps,
  org: Organization,
  em: EntityManager,
  counts: { properties: number; deals: number },
): Promise<void> {
  const r = rng(20261123);
  em.persist(org);
  const people: User[] = [];
  for (const [email, name, role] of [
    [DEMO.email, 'Dana Demo', Role.OWNER],
    ['alex.acquisitions@realestateos.dev', 'Alex Acquisitions', Role.AGENT],
    ['blair.dispo@realestateos.dev', 'Blair Dispositions', Role.AGENT],
    ['val.viewer@realestateos.dev', 'Val Viewer', Role.VIEWER],
  ] as const) {
    people.push(
      em.create(User, { organizationId: org.id, email, name, role, passwordHash: await hashPassword(DEMO.password) }),
    );
  }
  await em.flush();

  const owner: AuthUser = { id: people[0]!.id, organizationId: org.id, role: Role.OWNER };
  // A fresh EntityManager per record keeps each flush small, as a request would.
  const svc = () => createServices({ em: em.fork({ clear: true }), actor: owner, deps });
  const zips = Object.keys(ZIP_TABLE);
  const types = Object.values(PropertyType);
  const propertyIds: string[] = [];
  for (let i = 0; propertyIds.length < counts.properties; i++) {
    const zip = r.pick(zips);
    const area = ZIP_TABLE[zip]!;
    const sqft = r.int(800, 3200);
    const value = Math.round((sqft * r.int(90, 260)) / 1000) * 1000;
    const p = await svc()
      .properties.create({
        addressLine: `${r.int(100, 9899)} ${r.pick(STREETS)} ${r.pick(SUFFIXES)}`,
        city: area.city,
        state: area.state,
        zip,
        propertyType: r.next() < 0.75 ? PropertyType.SINGLE_FAMILY : r.pick(types),
        bedrooms: r.int(2, 5),
        bathrooms: r.int(2, 7) / 2,
        squareFeet: sqft,
        lotSizeSqft: r.int(4000, 12000),
        yearBuilt: r.int(1940, 2015),
        estimatedValue: value,
        lastSaleDate: new Date(Date.UTC(r.int(1995, 2022), r.int(1, 12) - 1, r.int(1, 28))).toISOString().slice(0, 10),
        lastSalePrice: Math.round(value * (0.35 + r.next() * 0.5)),
        ownerName: `${r.pick(FIRST)} ${r.pick(LAST)}`,
        ownerOccupied: r.next() < 0.45,
        tags: [...new Set([r.pick(TAGS), ...(r.next() < 0.4 ? [r.pick(TAGS)] : [])])],
      })
      .catch(() => null); // a generated address may repeat; skip it
    if (p) propertyIds.push(p.id);
    if (i > counts.properties * 3) break;
  }

  const sources = Object.values(LeadSource);
  const statuses = Object.values(LeadStatus);
  const leadIds: { lead: string; property: string }[] = [];
  for (const [i, propertyId] of propertyIds.entries()) {
    const first = r.pick(FIRST);
    const lead = await svc().leads.create({
      firstName: first,
      lastName: r.pick(LAST),
      phone: `+1512555${String(1000 + i).slice(-4)}`,
      email: r.next() < 0.6 ? `${first.toLowerCase()}.${i}@example.com` : null,
      source: r.pick(sources),
      status: r.pick(statuses),
      motivation: r.pick(MOTIVATION),
      propertyId,
      assignedUserId: r.pick(people.slice(0, 3)).id,
    });
    leadIds.push({ lead: lead.id, property: propertyId });
    for (let k = r.int(1, 5); k > 0; k--) {
      await svc().activities.log({
        leadId: lead.id,
        type: r.pick([
          ActivityType.CALL,
          ActivityType.SMS,
          ActivityType.EMAIL,
          ActivityType.NOTE,
          ActivityType.VOICEMAIL,
          ActivityType.MAIL,
        ]),
        direction: r.next() < 0.3 ? Direction.INBOUND : Direction.OUTBOUND,
        body: r.pick([
          'Left a voicemail',
          'Seller asked for an offer in writing',
          'Sent postcard #3',
          'Follow up next week',
          'Walked the property',
        ]),
        occurredAt: new Date(Date.now() - r.int(1, 90) * 86_400_000),
      });
    }
  }

  const path = [
    DealStage.CONTACTED,
    DealStage.APPOINTMENT_SET,
    DealStage.OFFER_MADE,
    DealStage.NEGOTIATION,
    DealStage.UNDER_CONTRACT,
    DealStage.CLOSED_WON,
  ];
  for (const [i, { lead, property }] of leadIds.slice(0, counts.deals).entries()) {
    const value = r.int(80, 420) * 1000;
    const services = svc();
    const deal = await services.deals.create({
      leadId: lead,
      propertyId: property,
      offerAmount: value,
      assignedUserId: r.pick(people.slice(0, 3)).id,
    });
    const steps = i % 8; // spread deals over every stage
    for (const stage of path.slice(0, Math.min(steps, path.length))) {
      if (stage === DealStage.UNDER_CONTRACT)
        await services.deals.update(deal.id, {
          contractPrice: Math.round(value * 1.03),
          assignmentFee: r.int(8, 25) * 1000,
        });
      await services.deals.move(deal.id, stage, r.next() < 0.3 ? 'Moved after team review' : null);
    }
    if (steps === 7) await services.deals.move(deal.id, DealStage.CLOSED_LOST, 'Seller listed with an agent');
  }
  await seedOutreach(
    deps,
    org,
    em.fork({ clear: true }),
    leadIds.map((l) => l.lead),
    r,
  );
  await seedTasks(svc, people.slice(0, 3), leadIds.map((l) => l.lead).slice(0, 24), r);
  await seedConversations(svc, org, em.fork({ clear: true }), leadIds.map((l) => l.lead).slice(24, 40), people);
  await seedSpend(svc, r);
}

/** Two years of marketing spend: monthly mail drops and ads, quarterly list purchases, texting costs. */
async function seedSpend(svc: () => ReturnType<typeof createServices>, r: ReturnType<typeof rng>): Promise<void> {
  const now = new Date();
  for (let back = 23; back >= 0; back--) {
    const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
    const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0));
    const [start, end] = [first, last].map((d) => d.toISOString().slice(0, 10)) as [string, string];
    const month = start.slice(0, 7);
    const spend = (source: LeadSource, label: string, amount: number) =>
      svc().spend.record({ source, label, amount, periodStart: start, periodEnd: end });
    await spend(LeadSource.DIRECT_MAIL, `Mail drop ${month}`, r.int(20, 45) * 100);
    await spend(LeadSource.PPC, `Search ads ${month}`, r.int(8, 16) * 100);
    await spend(LeadSource.SMS, `Texting ${month}`, r.int(10, 25) * 10);
    if (back % 3 === 0) await spend(LeadSource.LIST_IMPORT, `Absentee list ${month}`, r.int(4, 9) * 100);
  }
}

/**
 * A few sellers texted back (their replies wait for an answer in the assignee's myDay and notify
 * them) and a note mentions a teammate, so the demo's conversations, notifications and feed are alive.
 */
async function seedConversations(
  svc: () => ReturnType<typeof createServices>,
  org: Organization,
  em: EntityManager,
  leadIds: string[],
  people: User[],
): Promise<void> {
  const leads = await em.find(Lead, { id: { $in: leadIds }, phone: { $ne: null } }, { limit: 4 });
  const replies = ['Who is this? How did you get my number?', 'Maybe. What would you offer?', 'Call me after 5pm'];
  for (const [i, lead] of leads.slice(0, 3).entries())
    await svc().smsEvents.recordInbound({
      organizationId: org.id,
      providerMessageId: `SMdemo${String(i).padStart(30, '0')}`,
      from: lead.phone!,
      to: org.smsNumber!,
      body: replies[i]!,
    });
  const teammate = people[1]?.name.split(/\s+/)[0];
  if (leads[3] && teammate)
    await svc().activities.log({
      leadId: leads[3].id,
      type: ActivityType.NOTE,
      body: `@${teammate} can you drive by this one on Thursday? Roof looked rough in the photos.`,
    });
}

/**
 * Open tasks across the agents — some overdue, some today, some this week, one all-day — so the
 * demo's task lists and notifications have something in them (tasks given to someone else notify
 * them; overdue ones fire their reminder as soon as a worker runs).
 */
async function seedTasks(
  svc: () => ReturnType<typeof createServices>,
  people: User[],
  leadIds: string[],
  r: ReturnType<typeof rng>,
): Promise<void> {
  const kinds = [TaskType.CALL, TaskType.FOLLOW_UP, TaskType.TEXT, TaskType.APPOINTMENT, TaskType.SITE_VISIT];
  for (const [i, leadId] of leadIds.entries()) {
    const hours = r.int(-48, 7 * 24);
    await svc().tasks.create({
      title: r.pick(['Call back', 'Follow up on the offer', 'Text about the walkthrough', 'Confirm the appointment']),
      type: kinds[i % kinds.length]!,
      leadId,
      assigneeId: people[i % people.length]!.id,
      ...(i % 6 === 5
        ? { dueDate: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) }
        : { dueAt: new Date(Date.now() + hours * 3_600_000) }),
    });
  }
}

/**
 * So the demo's outreach works out of the box: consent for most leads (as a list bought with
 * opt-ins would bring; the rest show NO_CONSENT skips), and an email and an SMS template.
 */
async function seedOutreach(
  deps: AppDeps,
  org: Organization,
  em: EntityManager,
  leadIds: string[],
  r: ReturnType<typeof rng>,
): Promise<void> {
  const leads = await em.find(Lead, { id: { $in: leadIds } }, { fields: ['id', 'email', 'phone'] as never });
  const recordedAt = new Date(Date.now() - 30 * 86_400_000);
  for (const lead of leads) {
    if (r.next() > 0.85) continue;
    const consent = {
      organizationId: org.id,
      status: ConsentStatus.OPTED_IN,
      source: 'WEB_FORM',
      evidence: 'Demo: opted in on the website form',
      recordedAt,
    };
    if (lead.email) em.create(ConsentRecord, { ...consent, channel: MessageChannel.EMAIL, contactPoint: lead.email });
    if (lead.phone) em.create(ConsentRecord, { ...consent, channel: MessageChannel.SMS, contactPoint: lead.phone });
  }
  await em.flush();
  const owner = await em.findOneOrFail(User, { email: DEMO.email });
  const services = createServices({
    em: em.fork({ clear: true }),
    actor: { id: owner.id, organizationId: org.id, role: Role.OWNER },
    deps,
  });
  await services.templates.create({
    name: 'First touch',
    channel: MessageChannel.EMAIL,
    subject: 'About {{property.address}}',
    body:
      'Hi {{lead.firstName}},\n\nWould you consider a cash offer for {{property.address}}? No repairs, no ' +
      'fees.\n\n{{user.name}}, {{organization.name}}',
  });
  await services.templates.create({
    name: 'Quick text',
    channel: MessageChannel.SMS,
    body: 'Hi {{lead.firstName}}, this is {{user.name}}. Still thinking about selling {{property.address}}?',
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  await prepareDatabase(config, log);
  const deps = await createDeps(config, log);
  try {
    const started = Date.now();
    const { created } = await seed(deps);
    console.log(
      created
        ? `Seeded the demo organization in ${((Date.now() - started) / 1000).toFixed(1)} s. Sign in as ` +
            `${DEMO.email} / ${DEMO.password}`
        : `The demo organization already exists. Sign in as ${DEMO.email} / ${DEMO.password}`,
    );
  } finally {
    await deps.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
