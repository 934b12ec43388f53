import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { CampaignStatus, MessageChannel, Role } from '../entities/enums.js';
import { Campaign, Organization, User } from '../entities/index.js';
import type { Config } from '../src/platform/config.js';
import { createDeps } from '../src/platform/deps.js';
import { createLogger } from '../src/platform/observability/logger.js';
import { createRedis } from '../src/platform/redis.js';
import { createServices } from '../src/domains/index.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';
import { startWorkers } from '../workers/index.js';
import { fmt } from './lib.js';

const RECIPIENTS = 10_000;

/**
 * Campaigns. Launch: `launchCampaign` for a 10,000-lead audience (evaluate the filter, insert the
 * recipients, enqueue every send); baseline: raw BullMQ addBulk of 10,000 jobs of the same shape.
 * Throughput: the outreach workers sending that campaign to the loopback SMTP server, end to end
 * (consent check, claim, render, SMTP, SENT, activity); baseline: nodemailer alone sending the same
 * number of messages to the same server with the same concurrency.
 */
export async function benchCampaigns(config: Config): Promise<Record<string, unknown>> {
  const deps = await createDeps(config, createLogger('warn'));
  const org = new Organization();
  org.name = 'Campaign bench';
  const out = await runAsTenant(org.id, async () => {
    const em = forkForTenant(deps.orm, org.id);
    em.persist(org);
    const user = em.create(User, {
      organizationId: org.id,
      email: `campaign-${org.id}@example.com`,
      name: 'C',
      role: Role.OWNER,
      passwordHash: 'x',
    });
    await em.flush();
    await em.execute(
      `insert into leads (id, organization_id, first_name, last_name, email)
         select gen_random_uuid(), ?, 'Lead' || g, 'Bench', 'bench-' || g || '@example.com'
           from generate_series(1, ?) g`,
      [org.id, RECIPIENTS],
    );
    await em.execute(
      `insert into consent_records (id, organization_id, channel, contact_point, status, source, recorded_at)
         select gen_random_uuid(), ?, 'EMAIL', 'bench-' || g || '@example.com', 'OPTED_IN', 'IMPORT', now()
           from generate_series(1, ?) g`,
      [org.id, RECIPIENTS],
    );
    const s = createServices({
      em: forkForTenant(deps.orm, org.id),
      actor: { id: user.id, organizationId: org.id, role: Role.OWNER },
      deps,
    });
    const template = await s.templates.create({
      name: 'Bench',
      channel: MessageChannel.EMAIL,
      subject: 'Hi {{lead.firstName}}',
      body: 'Hello {{lead.fullName}}, would you sell? — {{organization.name}}',
    });
    const campaign = await s.campaigns.create({
      name: 'Bench',
      channel: MessageChannel.EMAIL,
      templateId: template.id,
      windowStartHour: 0,
      windowEndHour: 24,
    });

    // Baseline: addBulk of the same number of jobs, same payload shape, into a scratch queue.
    const connection = createRedis(config);
    const scratch = new Queue('bench-addbulk', { connection, prefix: config.redisPrefix });
    let t = performance.now();
    for (let i = 0; i < RECIPIENTS; i += 1_000) {
      await scratch.addBulk(
        Array.from({ length: 1_000 }, (_, k) => ({
          name: 'campaign-send',
          data: { organizationId: org.id, campaignId: campaign.id, recipientId: randomUUID() },
          opts: { jobId: `b-${i + k}` },
        })),
      );
    }
    const addBulkSeconds = (performance.now() - t) / 1000;
    await scratch.obliterate({ force: true });
    await scratch.close();
    connection.disconnect();

    t = performance.now();
    await s.campaigns.launch(campaign.id);
    const launchSeconds = (performance.now() - t) / 1000;

    // End-to-end sending: start the workers and wait for COMPLETED.
    const before = deps.localSmtp!.received.length;
    t = performance.now();
    const workers = startWorkers(deps);
    for (;;) {
      const c = await forkForTenant(deps.orm, org.id).findOneOrFail(Campaign, { id: campaign.id });
      if (c.status === CampaignStatus.COMPLETED) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const sendSeconds = (performance.now() - t) / 1000;
    await workers.close();
    const delivered = deps.localSmtp!.received.length - before;

    // Baseline: nodemailer alone, same server, same concurrency as the outreach worker (10).
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < RECIPIENTS) {
          const i = next++;
          await deps.mailer.send({
            from: config.mailFrom,
            to: `raw-${i}@example.com`,
            subject: `Hi Lead${i}`,
            text: `Hello Lead${i} Bench, would you sell?`,
            html: `<p>Hello Lead${i} Bench, would you sell?</p>`,
          });
        }
      }),
    );
    const rawSeconds = (performance.now() - t) / 1000;
    await deps.queues.email.obliterate({ force: true });
    return { launchSeconds, addBulkSeconds, sendSeconds, rawSeconds, delivered };
  });
  await deps.close();

  console.log(`\nCampaign launch, ${RECIPIENTS.toLocaleString('en-US')} recipients (target <= 2 s)`);
  console.log(`  launchCampaign (audience, recipients, enqueue)  ${fmt(out.launchSeconds, 2)} s`);
  console.log(`  baseline: raw BullMQ addBulk                    ${fmt(out.addBulkSeconds, 2)} s`);
  console.log(`\nCampaign email throughput to the loopback SMTP server (target >= 300/s)`);
  console.log(
    `  email workers end to end                        ${fmt(RECIPIENTS / out.sendSeconds, 0)} messages/s   ` +
      `(${out.delivered} delivered)`,
  );
  console.log(`  baseline: nodemailer alone                      ${fmt(RECIPIENTS / out.rawSeconds, 0)} messages/s`);
  return {
    campaignLaunch: { seconds: out.launchSeconds, baselineSeconds: out.addBulkSeconds, recipients: RECIPIENTS },
    campaignSend: {
      perSecond: RECIPIENTS / out.sendSeconds,
      baselinePerSecond: RECIPIENTS / out.rawSeconds,
      delivered: out.delivered,
    },
  };
}
