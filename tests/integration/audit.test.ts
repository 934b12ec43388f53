import { GraphQLClient } from 'graphql-request';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { getSdk, type AuditLogQuery } from '../../client/index.js';
import { asTenant } from '../helpers/campaigns.js';
import { addMember, createTenant, gqlError, nodes, sdk, uniqueAddress } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });
type Entry = AuditLogQuery['auditLog']['edges'][number]['node'];

/** The SDK sending a User-Agent and an X-Request-Id, as a browser or script would. */
const client = (token: string, requestId: string) =>
  getSdk(
    new GraphQLClient(server.url, {
      headers: { authorization: `Bearer ${token}`, 'user-agent': 'AuditTest/1.0', 'x-request-id': requestId },
    }),
  );

const change = (e: Entry, field: string) => {
  const c = e.changes.find((x) => x.field === field);
  return c && { before: c.before && JSON.parse(c.before), after: c.after && JSON.parse(c.after) };
};

describe('audit log', () => {
  it('records who changed what, when and from where for each kind of mutation, secrets redacted', async () => {
    const t = await createTenant(server.url);
    const api = client(t.token, 'req-audit-1');
    const { createLead: lead } = await api.CreateLead({ input: { firstName: 'Ada', lastName: 'Audit' } });
    await api.UpdateLead({ id: lead.id, input: { firstName: 'Adah' } });
    const { createProperty: property } = await api.CreateProperty({ input: uniqueAddress() });
    const { createDeal: deal } = await api.CreateDeal({ input: { leadId: lead.id, propertyId: property.id } });
    await api.MoveDeal({ id: deal.id, stage: 'CONTACTED' });
    const { recordMarketingSpend: spend } = await api.RecordMarketingSpend({
      input: { source: 'PPC', label: 'Ads', amount: 120, periodStart: '2026-11-01', periodEnd: '2026-11-30' },
    });
    await api.DeleteMarketingSpend({ id: spend.id });
    await api.UpdateOrganizationSettings({ input: { staleLeadDays: 21, auditRetentionDays: 90 } });
    await api.CreateWebhookEndpoint({ input: { url: 'https://127.0.0.1:9/reos', events: ['deal.moved'] } });
    const { createApiKey } = await api.CreateApiKey({ input: { name: 'Zap', role: 'ADMIN' } });
    await api.ChangePassword({ currentPassword: t.password, newPassword: 'a-brand-new-password' });
    const asKey = sdk(server.url, createApiKey.key);
    await asKey.UpdateLead({ id: lead.id, input: { lastName: 'Keyed' } });

    const all = nodes((await api.AuditLog({ first: 100 })).auditLog);
    const find = (operation: string, entity: string) =>
      all.find((e) => e.operation === operation && e.entity === entity)!;

    const created = find('createLead', 'leads');
    expect([created.action, created.entityId, created.actor?.id]).toEqual(['CREATED', lead.id, t.userId]);
    expect(change(created, 'first_name')).toEqual({ before: null, after: 'Ada' });
    expect([created.ip, created.userAgent, created.requestId]).toEqual([
      expect.stringMatching(/127\.0\.0\.1/),
      'AuditTest/1.0',
      'req-audit-1',
    ]);
    const renamed = all.find((e) => e.operation === 'updateLead' && change(e, 'first_name'))!;
    expect(change(renamed, 'first_name')).toEqual({ before: 'Ada', after: 'Adah' });
    expect(change(find('moveDeal', 'deals'), 'stage')).toEqual({ before: 'NEW', after: 'CONTACTED' });
    const deleted = find('deleteMarketingSpend', 'marketing_spend');
    expect([deleted.action, change(deleted, 'amount')?.before]).toEqual(['DELETED', expect.anything()]);
    const settings = find('updateOrganizationSettings', 'organizations');
    expect(change(settings, 'stale_lead_days')).toEqual({ before: 14, after: 21 });
    expect(change(settings, 'audit_retention_days')).toEqual({ before: 365, after: 90 });

    // Secrets, hashes and passwords never reach the log, only that they changed.
    const secrets = [find('createWebhookEndpoint', 'webhook_endpoints'), find('createApiKey', 'api_keys')];
    const password = find('changePassword', 'users');
    expect(change(password, 'password_hash')).toEqual({ before: '[redacted]', after: '[redacted]' });
    expect(JSON.stringify(secrets)).toContain('[redacted]');
    expect(JSON.stringify(all)).not.toMatch(/whsec_|\$argon2/);
    expect(JSON.stringify(all)).not.toContain(createApiKey.key);

    // An API key's change names the key and its creator.
    const keyed = all.find((e) => e.apiKeyId === createApiKey.apiKey.id)!;
    expect([keyed.operation, keyed.actor?.id, change(keyed, 'last_name')?.after]).toEqual([
      'updateLead',
      t.userId,
      'Keyed',
    ]);
  });

  it('filters and pages; OWNER/ADMIN only; another organization sees none of it; append-only for the app', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const agent = await addMember(server.url, t, 'AGENT');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await t.api.CreateLead({ input: { firstName: `P${i}`, lastName: 'Page' } })).createLead.id);
    await agent.api.UpdateLead({ id: ids[0]!, input: { firstName: 'ByAgent' } });

    const byEntity = nodes((await t.api.AuditLog({ filter: { entity: 'leads', entityId: ids[0]! } })).auditLog);
    expect(byEntity.map((e) => e.action)).toEqual(['UPDATED', 'CREATED']); // newest first
    const byAgent = nodes((await t.api.AuditLog({ filter: { actorUserId: agent.userId } })).auditLog);
    expect(byAgent.map((e) => e.operation)).toEqual(['updateLead']);
    const creates = (await t.api.AuditLog({ first: 2, filter: { operation: 'createLead' } })).auditLog;
    expect([creates.totalCount, creates.edges.length, creates.pageInfo.hasNextPage]).toEqual([5, 2, true]);
    const rest = (
      await t.api.AuditLog({ first: 10, after: creates.pageInfo.endCursor, filter: { operation: 'createLead' } })
    ).auditLog;
    expect(rest.edges.length).toBe(3);
    expect(new Set([...nodes(creates), ...nodes(rest)].map((e) => e.entityId))).toEqual(new Set(ids));

    expect((await gqlError(agent.api.AuditLog({}))).code).toBe('FORBIDDEN');
    const theirs = nodes((await other.api.AuditLog({ first: 100 })).auditLog);
    expect(theirs.some((e) => ids.includes(e.entityId))).toBe(false);
    expect((await gqlError(t.api.AuditLog({ after: 'x' }))).code).toBe('BAD_USER_INPUT');

    // The app's own database role can add entries but never rewrite or remove one.
    await asTenant(server.config.databaseUrl, t, async (db) => {
      await expect(db.query('update audit_log set operation = $1', ['forged'])).rejects.toThrow(/permission denied/);
      await expect(db.query('delete from audit_log')).rejects.toThrow(/permission denied/);
    });
  });

  it('keeps entries for the organization retention, deleting older ones', async () => {
    const t = await createTenant(server.url);
    await t.api.CreateLead({ input: { firstName: 'Old', lastName: 'Entry' } });
    await t.api.UpdateOrganizationSettings({ input: { auditRetentionDays: 30 } });
    const owner = new pg.Client({ connectionString: server.config.databaseOwnerUrl });
    await owner.connect();
    try {
      await owner.query(
        `update audit_log set at = now() - interval '31 days' where organization_id = $1 and operation = 'createLead'`,
        [t.organizationId],
      );
      await owner.query('select audit_prune()');
    } finally {
      await owner.end();
    }
    const left = nodes((await t.api.AuditLog({ first: 100 })).auditLog).map((e) => e.operation);
    expect(left).not.toContain('createLead');
    expect(left).toContain('updateOrganizationSettings');
    expect((await gqlError(t.api.UpdateOrganizationSettings({ input: { auditRetentionDays: 0 } }))).code).toBe(
      'BAD_USER_INPUT',
    );
  });
});
