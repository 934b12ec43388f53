import { randomUUID } from 'node:crypto';
import { asTenant, randomPhone } from './campaigns.js';
import { waitFor, type Tenant } from './gql.js';

export interface SeededLead {
  id: string;
  email: string;
  phone: string;
}

/**
 * `count` leads with an email and a phone each, opted in on both channels (the first
 * `withoutSmsConsent` only by email), inserted in a few statements.
 */
export async function seedContactableLeads(
  databaseUrl: string,
  t: Tenant,
  count: number,
  options: { prefix?: string; withoutSmsConsent?: number; assignedUserId?: string } = {},
): Promise<SeededLead[]> {
  const tag = randomUUID().slice(0, 8);
  const prefix = options.prefix ?? 'seq';
  const leads = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    email: `${prefix}-${i + 1}-${tag}@example.com`,
    phone: randomPhone(String(1000 + ((i * 7919) % 9000)).padStart(4, '0')),
  }));
  await asTenant(databaseUrl, t, async (db) => {
    await db.query(
      `insert into leads (id, organization_id, first_name, last_name, email, phone, assigned_user_id)
         select id, $1, $2 || g, 'Seller', e, p, $6
           from unnest($3::uuid[], $4::text[], $5::text[]) with ordinality as x(id, e, p, g)`,
      [
        t.organizationId,
        prefix,
        leads.map((l) => l.id),
        leads.map((l) => l.email),
        leads.map((l) => l.phone),
        options.assignedUserId ?? null,
      ],
    );
    await db.query(
      `insert into consent_records (id, organization_id, channel, contact_point, status, source, recorded_at)
         select gen_random_uuid(), $1, ch, cp, 'OPTED_IN', 'WEB_FORM', now() - interval '1 day'
           from (select 'EMAIL'::message_channel as ch, unnest($2::text[]) as cp
                 union all select 'SMS', unnest($3::text[])) x`,
      [t.organizationId, leads.map((l) => l.email), leads.slice(options.withoutSmsConsent ?? 0).map((l) => l.phone)],
    );
  });
  return leads;
}

/** An SMS number, and SMS and email templates named after the steps they are for. */
export async function sequenceTemplates(t: Tenant, names: { sms: string[]; email: string[] }) {
  await t.api.SetOrganizationSmsNumber({ number: randomPhone() });
  const ids: Record<string, string> = {};
  for (const name of names.sms)
    ids[name] = (
      await t.api.CreateTemplate({ input: { name, channel: 'SMS', body: `${name}: hi {{lead.firstName}}` } })
    ).createTemplate.id;
  for (const name of names.email)
    ids[name] = (
      await t.api.CreateTemplate({
        input: { name, channel: 'EMAIL', subject: `${name} for {{lead.firstName}}`, body: `${name} body` },
      })
    ).createTemplate.id;
  return ids;
}

/** The enrollment's timeline once `done` holds for it. */
export function timelineWhen(
  t: Tenant,
  enrollmentId: string,
  done: (steps: { stepIndex: number; status: string; reason?: string | null }[], status: string) => boolean,
  timeoutMs = 60_000,
) {
  return waitFor(
    async () => {
      const { enrollment } = await t.api.Enrollment({ id: enrollmentId });
      return done(enrollment.timeline, enrollment.status) ? enrollment : null;
    },
    timeoutMs,
    `enrollment ${enrollmentId}`,
  );
}

/** Every enrollment of a sequence, read as the organization (row-level security applies); pages of 100 would hit the
 * API's rate limit in a test that reads hundreds. */
export async function allEnrollments(databaseUrl: string, t: Tenant, sequenceId: string) {
  return asTenant(databaseUrl, t, async (db) => {
    const { rows } = await db.query<{ id: string; leadId: string; status: string; exitReason: string | null }>(
      `select id, lead_id as "leadId", status, exit_reason as "exitReason" from sequence_enrollments
        where sequence_id = $1 order by created_at, id`,
      [sequenceId],
    );
    return rows;
  });
}
