import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });

describe('consent ledger and do-not-contact', () => {
  it(
    'decides from the latest record: none is NO_CONSENT, opt-in allows, opt-out blocks; every spelling is ' +
      'one contact point',
    async () => {
      const t = await createTenant(server.url);
      const status = async (contactPoint: string) =>
        (await t.api.ConsentStatus({ channel: 'SMS', contactPoint })).consentStatus;
      expect(await status('(512) 555-0188')).toMatchObject({ allowed: false, reason: 'NO_CONSENT', latest: null });
      await t.api.RecordConsent({
        input: {
          channel: 'SMS',
          contactPoint: '512-555-0188',
          status: 'OPTED_IN',
          source: 'web_form',
          evidence: 'form #123',
        },
      });
      expect(await status('+1 512 555 0188')).toMatchObject({
        allowed: true,
        reason: null,
        latest: { status: 'OPTED_IN', source: 'WEB_FORM', contactPoint: '+15125550188' },
      });
      await t.api.RecordConsent({
        input: {
          channel: 'SMS',
          contactPoint: '5125550188',
          status: 'OPTED_OUT',
          source: 'SMS_REPLY',
          evidence: 'STOP',
        },
      });
      expect(await status('5125550188')).toMatchObject({ allowed: false, reason: 'OPTED_OUT' });
      // An older record does not override a newer one.
      await t.api.RecordConsent({
        input: {
          channel: 'SMS',
          contactPoint: '5125550188',
          status: 'OPTED_IN',
          source: 'CALL',
          recordedAt: new Date(Date.now() - 86_400_000).toISOString(),
        },
      });
      expect(await status('5125550188')).toMatchObject({ allowed: false, reason: 'OPTED_OUT' });
      const { consentHistory } = await t.api.ConsentHistory({ channel: 'SMS', contactPoint: '5125550188' });
      expect(consentHistory.map((r) => r.status)).toEqual(['OPTED_OUT', 'OPTED_IN', 'OPTED_IN']);
      // Consent is per channel.
      expect(
        (await t.api.ConsentStatus({ channel: 'EMAIL', contactPoint: 'Someone@Example.com' })).consentStatus.reason,
      ).toBe('NO_CONSENT');
    },
  );

  it('the do-not-contact list overrides an opt-in, until an OWNER/ADMIN removes it', async () => {
    const owner = await createTenant(server.url);
    const agent = await addMember(server.url, owner, 'AGENT');
    await owner.api.RecordConsent({
      input: { channel: 'EMAIL', contactPoint: 'pat@example.com', status: 'OPTED_IN', source: 'WEB_FORM' },
    });
    await agent.api.AddDoNotContact({ contactPoint: 'Pat@Example.com', reason: 'Asked by phone' });
    await agent.api.AddDoNotContact({ contactPoint: 'pat@example.com' }); // idempotent
    expect((await owner.api.DoNotContactList()).doNotContact).toHaveLength(1);
    expect(
      (await owner.api.ConsentStatus({ channel: 'EMAIL', contactPoint: 'pat@example.com' })).consentStatus,
    ).toMatchObject({ allowed: false, reason: 'DNC' });
    expect((await gqlError(agent.api.RemoveDoNotContact({ contactPoint: 'pat@example.com' }))).code).toBe('FORBIDDEN');
    expect((await owner.api.RemoveDoNotContact({ contactPoint: 'pat@example.com' })).removeDoNotContact).toBe(true);
    expect(
      (await owner.api.ConsentStatus({ channel: 'EMAIL', contactPoint: 'pat@example.com' })).consentStatus.allowed,
    ).toBe(true);
  });

  it('adds one entry when the same contact point is added by many requests at once', async () => {
    const owner = await createTenant(server.url);
    const added = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        owner.api.AddDoNotContact({ contactPoint: i % 2 ? 'RACE@example.com' : 'race@example.com' }),
      ),
    );
    expect(new Set(added.map((a) => a.addDoNotContact.id)).size).toBe(1);
    expect((await owner.api.DoNotContactList()).doNotContact).toHaveLength(1);
  });

  it('rejects bad contact points and future dates; is isolated per organization and append-only', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    expect(
      (
        await gqlError(
          a.api.RecordConsent({ input: { channel: 'EMAIL', contactPoint: 'nope', status: 'OPTED_IN', source: 'X' } }),
        )
      ).extensions.field,
    ).toBe('input.contactPoint');
    expect(
      (
        await gqlError(
          a.api.RecordConsent({ input: { channel: 'SMS', contactPoint: '123', status: 'OPTED_IN', source: 'X' } }),
        )
      ).extensions.field,
    ).toBe('input.contactPoint');
    expect(
      (
        await gqlError(
          a.api.RecordConsent({
            input: {
              channel: 'SMS',
              contactPoint: '5125550111',
              status: 'OPTED_IN',
              source: 'X',
              recordedAt: new Date(Date.now() + 86_400_000).toISOString(),
            },
          }),
        )
      ).extensions.field,
    ).toBe('input.recordedAt');
    const { recordConsent } = await a.api.RecordConsent({
      input: { channel: 'SMS', contactPoint: '5125550111', status: 'OPTED_IN', source: 'CALL' },
    });
    expect((await b.api.ConsentStatus({ channel: 'SMS', contactPoint: '5125550111' })).consentStatus.reason).toBe(
      'NO_CONSENT',
    );
    expect((await b.api.ConsentHistory({ channel: 'SMS', contactPoint: '5125550111' })).consentHistory).toEqual([]);
    const client = new pg.Client({ connectionString: server.config.databaseUrl });
    await client.connect();
    try {
      await client.query("select set_config('app.organization_id', $1, false)", [a.organizationId]);
      await expect(
        client.query("update consent_records set status = 'OPTED_OUT' where id = $1", [recordConsent.id]),
      ).rejects.toThrow(/permission denied/);
      await expect(client.query('delete from consent_records where id = $1', [recordConsent.id])).rejects.toThrow(
        /permission denied/,
      );
    } finally {
      await client.end();
    }
  });
});
