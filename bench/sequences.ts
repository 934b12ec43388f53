import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AutomationActionType,
  AutomationTrigger,
  ConditionField,
  ConditionOperator,
  LeadSource,
  LeadStatus,
  MessageChannel,
  Role,
  SequenceStepType,
} from '../entities/enums.js';
import { Organization, User } from '../entities/index.js';
import { kickAutomation } from '../src/domains/automation/automation-feed.js';
import { loadPendingEvents, markProcessed } from '../src/domains/automation/event-store.js';
import { createServices, type Services } from '../src/domains/index.js';
import type { AuthUser } from '../src/platform/auth/tokens.js';
import type { Config } from '../src/platform/config.js';
import { createDeps, type AppDeps } from '../src/platform/deps.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { createRedis } from '../src/platform/redis.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';
import { startWorkers } from '../workers/index.js';
import { fmt } from './lib.js';

const ENROLLMENTS = 50_000;
/** Steps timed for throughput (the rest of the 50,000 are dropped once these are out). */
const TIMED_SENDS = 10_000;
const EVENTS = 20_000;
const RULES = 50;

/**
 * Sequences and automation. Scheduling: `enrollInSequence` for 50,000 leads (a lead filter) — the
 * enrollments, each one's first step, and 50,000 delayed jobs; baseline: raw BullMQ addBulk of
 * 50,000 jobs. Step throughput: the sequence workers sending email steps to the loopback SMTP
 * server end to end (consent, window, claim, render, SMTP, message + timeline + next step);
 * baseline: nodemailer alone with the worker's concurrency (20). Rule evaluation: 20,000 lead-created
 * events through 50 rules (one event in fifty matches one of them, which changes the lead's status);
 * baseline: reading and marking the same number of events with no rules.
 */
export async function benchSequences(config: Config): Promise<Record<string, unknown>> {
  const deps = await createDeps(config, createLogger('warn'));
  const schedule = await inNewOrganization(deps, 'Sequence bench', (s, em, orgId) =>
    scheduleAndSend(deps, s, em, orgId),
  );
  const rules = await benchRules(deps);
  await deps.close();

  console.log(`\nSequences: ${ENROLLMENTS.toLocaleString('en-US')} enrollments started at once`);
  console.log(`  enrollInSequence (enrollments, first steps, jobs)  ${fmt(schedule.enrollSeconds, 2)} s`);
  console.log(`  baseline: raw BullMQ addBulk of as many jobs        ${fmt(schedule.addBulkSeconds, 2)} s`);
  console.log(`\nSequence email steps to the loopback SMTP server (target >= 0.5x nodemailer alone)`);
  const ratio = schedule.rawSeconds / schedule.sendSeconds;
  console.log(
    `  sequence workers end to end   ${fmt(TIMED_SENDS / schedule.sendSeconds, 0)} steps/s   ` +
      `baseline: nodemailer alone ${fmt(TIMED_SENDS / schedule.rawSeconds, 0)} messages/s   ratio ${fmt(ratio, 2)}x`,
  );
  console.log(`\nAutomation: ${EVENTS.toLocaleString('en-US')} events, ${RULES} rules (target >= 2,000 events/s)`);
  console.log(
    `  rule evaluation               ${fmt(EVENTS / rules.engineSeconds, 0)} events/s   (${rules.runs} runs)`,
  );
  console.log(`  baseline: read + mark only    ${fmt(EVENTS / rules.baselineSeconds, 0)} events/s`);
  return {
    sequenceSchedule: {
      seconds: schedule.enrollSeconds,
      baselineSeconds: schedule.addBulkSeconds,
      enrollments: ENROLLMENTS,
    },
    sequenceSend: {
      perSecond: TIMED_SENDS / schedule.sendSeconds,
      baselinePerSecond: TIMED_SENDS / schedule.rawSeconds,
      ratio,
    },
    automation: {
      eventsPerSecond: EVENTS / rules.engineSeconds,
      baselinePerSecond: EVENTS / rules.baselineSeconds,
      rules: RULES,
      runs: rules.runs,
    },
  };
}

/** A new organization with an owner, and `fn` in its tenant scope with the owner's services. */
export async function inNewOrganization<T>(
  deps: AppDeps,
  name: string,
  fn: (s: Services, em: EntityManager, organizationId: string, owner: AuthUser) => Promise<T>,
): Promise<T> {
  const org = new Organization();
  org.name = name;
  return runAsTenant(org.id, async () => {
    const em = forkForTenant(deps.orm, org.id);
    em.persist(org);
    const user = em.create(User, {
      organizationId: org.id,
      email: `seq-${org.id}@example.com`,
      name: 'S',
      role: Role.OWNER,
      passwordHash: 'x',
    });
    await em.flush();
    const owner: AuthUser = { id: user.id, organizationId: org.id, role: Role.OWNER };
    const s = createServices({ em: forkForTenant(deps.orm, org.id), actor: owner, deps });
    return fn(s, em, org.id, owner);
  });
}

async function scheduleAndSend(deps: AppDeps, s: Services, em: EntityManager, orgId: string) {
  await em.execute(
    `insert into leads (id, organization_id, first_name, last_name, email)
       select gen_random_uuid(), ?, 'Lead' || g, 'Bench', 'seq-' || g || '@example.com' from generate_series(1, ?) g`,
    [orgId, ENROLLMENTS],
  );
  await em.execute(
    `insert into consent_records (id, organization_id, channel, contact_point, status, source, recorded_at)
       select gen_random_uuid(), ?, 'EMAIL', 'seq-' || g || '@example.com', 'OPTED_IN', 'IMPORT', now()
         from generate_series(1, ?) g`,
    [orgId, ENROLLMENTS],
  );
  const template = await s.templates.create({
    name: 'Bench',
    channel: MessageChannel.EMAIL,
    subject: 'Hi {{lead.firstName}}',
    body: 'Hello {{lead.fullName}}, would you sell?',
  });
  const sequence = await s.sequences.create({
    name: 'Bench',
    windowStartHour: 0,
    windowEndHour: 24,
    steps: [{ type: SequenceStepType.EMAIL, templateId: template.id }],
  });

  const addBulkSeconds = await rawAddBulk(deps, orgId);
  let t = performance.now();
  const { enrolled } = await s.sequences.enroll(sequence.id, { filter: {} });
  const enrollSeconds = (performance.now() - t) / 1000;
  if (enrolled !== ENROLLMENTS) throw new Error(`enrolled ${enrolled}`);

  t = performance.now();
  const workers = startWorkers(deps);
  for (;;) {
    const [row] = await em.execute<{ n: number }[]>(
      `select count(*)::int as n from sequence_step_runs where sequence_id = ? and status = 'SENT'`,
      [sequence.id],
    );
    if (row!.n >= TIMED_SENDS) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const sendSeconds = (performance.now() - t) / 1000;
  await s.sequences.pause(sequence.id);
  await workers.close();
  await deps.queues.sequence.obliterate({ force: true });

  t = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < TIMED_SENDS) {
        const i = next++;
        await deps.mailer.send({
          from: deps.config.mailFrom,
          to: `raw-${i}@example.com`,
          subject: `Hi Lead${i}`,
          text: `Hello Lead${i} Bench, would you sell?`,
          html: `<p>Hello Lead${i} Bench, would you sell?</p>`,
        });
      }
    }),
  );
  const rawSeconds = (performance.now() - t) / 1000;
  return { enrollSeconds, addBulkSeconds, sendSeconds, rawSeconds };
}

async function rawAddBulk(deps: AppDeps, orgId: string): Promise<number> {
  const connection = createRedis(deps.config);
  const scratch = new Queue('bench-seq-addbulk', { connection, prefix: deps.config.redisPrefix });
  const t = performance.now();
  for (let i = 0; i < ENROLLMENTS; i += 1_000)
    await scratch.addBulk(
      Array.from({ length: 1_000 }, (_, k) => ({
        name: 'sequence-step',
        data: { organizationId: orgId, enrollmentId: randomUUID(), stepIndex: 0 },
        opts: { jobId: `s-${i + k}` },
      })),
    );
  const seconds = (performance.now() - t) / 1000;
  await scratch.obliterate({ force: true });
  await scratch.close();
  connection.disconnect();
  return seconds;
}

/** 20,000 lead-created events (one statement of leads; the triggers record them), in an organization with `rules`. */
async function eventsWithRules(s: Services, em: EntityManager, orgId: string, rules: number) {
  for (let i = 0; i < rules; i++) {
    const matching = i === rules - 1;
    await s.automation.create({
      name: `Rule ${i}`,
      trigger: AutomationTrigger.LEAD_CREATED,
      conditions: matching
        ? [{ field: ConditionField.SOURCE, operator: ConditionOperator.EQUALS, values: [LeadSource.SEO] }]
        : [
            {
              field: ConditionField.SOURCE,
              operator: ConditionOperator.IN,
              values: [LeadSource.REFERRAL, LeadSource.PPC],
            },
            { field: ConditionField.SCORE, operator: ConditionOperator.AT_LEAST, number: 50 + (i % 50) },
          ],
      actions: [{ type: AutomationActionType.SET_STATUS, status: LeadStatus.CONTACTED }],
    });
  }
  await em.execute(
    `insert into leads (id, organization_id, first_name, last_name, source)
       select gen_random_uuid(), ?, 'Lead' || g, 'Rules',
              case when g % 50 = 0 then 'SEO' else 'DIRECT_MAIL' end::lead_source
         from generate_series(1, ?) g`,
    [orgId, EVENTS],
  );
}

async function benchRules(deps: AppDeps) {
  // Baseline: the same events read and marked in the engine's batches, no rules evaluated.
  const baselineSeconds = await inNewOrganization(deps, 'Rules baseline', async (s, em, orgId) => {
    await eventsWithRules(s, em, orgId, 1);
    await em.execute('update automation_rules set enabled = false where organization_id = ?', [orgId]);
    const t = performance.now();
    for (;;) {
      const batch = await loadPendingEvents(em, orgId, 500);
      if (!batch.length) break;
      await markProcessed(
        em,
        orgId,
        batch.map((e) => e.eventId),
      );
    }
    return (performance.now() - t) / 1000;
  });
  return inNewOrganization(deps, 'Rules bench', async (s, em, orgId) => {
    await eventsWithRules(s, em, orgId, RULES);
    const workers = startWorkers(deps);
    const t = performance.now();
    await kickAutomation(deps, orgId);
    for (;;) {
      const [row] = await em.execute<{ n: number }[]>(
        'select count(*)::int as n from automation_events where organization_id = ? and processed_at is null',
        [orgId],
      );
      if (!row!.n) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const engineSeconds = (performance.now() - t) / 1000;
    await workers.close();
    const [runs] = await em.execute<{ n: number }[]>(
      'select count(*)::int as n from automation_runs where organization_id = ?',
      [orgId],
    );
    return { baselineSeconds, engineSeconds, runs: runs!.n };
  });
}
