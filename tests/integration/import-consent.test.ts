import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { OfflineSmsProvider } from '../../src/platform/providers/sms/index.js';
import { campaignCompleted, randomPhone } from '../helpers/campaigns.js';
import { createTenant, gqlError, nodes, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer();
const offline = server.deps.sms as OfflineSmsProvider;

const HEADER = 'First Name,Last Name,Phone,Email,SMS Opt In,Consent Channel,Opt-in Date,Consent Source,Opt-in URL';

async function importDone(t: Tenant, id: string) {
  return waitFor(async () => {
    const { import: imp } = await t.api.Import({ id, first: 100 });
    return imp.status === 'COMPLETED' || imp.status === 'FAILED' ? imp : null;
  }, 30_000);
}

async function history(t: Tenant, phone: string) {
  return (await t.api.ConsentHistory({ channel: 'SMS', contactPoint: phone })).consentHistory;
}

describe('consent that comes with a list', () => {
  it('imports consent columns into the ledger; a campaign on the list reaches exactly the consented rows', async () => {
    const t = await createTenant(server.url);
    await t.api.SetOrganizationSmsNumber({ number: randomPhone() });
    const tag = `List${randomUUID().slice(0, 6)}`;
    const phones = Array.from({ length: 8 }, () => randomPhone());
    const rows = [
      `Ann,${tag},${phones[0]},,yes,SMS,2026-11-01,Web form,https://forms.example.com/a`,
      `Bob,${tag},${phones[1]},bob-${tag}@example.com,Y,,11/02/2026,,`,
      `Cat,${tag},${phones[2]},,no,SMS,,,`,
      `Dan,${tag},${phones[3]},,,,,,`,
      `Eve,${tag},${phones[4]},,maybe,SMS,,,`,
      `Fay,${tag},${phones[5]},,yes,EMAIL,,,`,
      `Gus,${tag},${phones[6]},,yes,SMS,2099-01-01,,`,
      `Hal,${tag},${phones[7]},,Opted In,fax,,,`,
    ];
    const { importLeads } = await t.api.ImportLeads({
      input: { csv: [HEADER, ...rows].join('\n'), fileName: 'list.csv' },
    });
    const imp = await importDone(t, importLeads.id);
    expect(imp).toMatchObject({ status: 'COMPLETED', rowsImported: 4, rowsInvalid: 4 });
    expect(imp.issues.map((i) => [i.rowNumber, i.kind, i.field])).toEqual([
      [6, 'INVALID', 'SMS Opt In'],
      [7, 'INVALID', 'Consent Channel'],
      [8, 'INVALID', 'Opt-in Date'],
      [9, 'INVALID', 'Consent Channel'],
    ]);
    expect(imp.issues[0]!.message).toContain('"maybe"');

    const ann = await history(t, phones[0]!);
    expect(ann).toEqual([
      expect.objectContaining({
        status: 'OPTED_IN',
        source: 'WEB FORM',
        evidence: 'https://forms.example.com/a',
        recordedAt: '2026-11-01T12:00:00.000Z',
      }),
    ]);
    expect(await history(t, phones[1]!)).toEqual([
      expect.objectContaining({ status: 'OPTED_IN', source: 'LIST_IMPORT', evidence: 'Import of list.csv, row 3' }),
    ]);
    const bobEmail = await t.api.ConsentStatus({ channel: 'EMAIL', contactPoint: `bob-${tag}@example.com` });
    expect(bobEmail.consentStatus.allowed).toBe(true);
    expect((await history(t, phones[2]!)).map((r) => r.status)).toEqual(['OPTED_OUT']);
    expect(await history(t, phones[3]!)).toEqual([]);
    expect(await history(t, phones[4]!)).toEqual([]); // the invalid row wrote nothing

    const { createTemplate } = await t.api.CreateTemplate({
      input: { name: `T ${tag}`, channel: 'SMS', body: 'Hi {{lead.firstName}}, still own the place?' },
    });
    const { createCampaign } = await t.api.CreateCampaign({
      input: {
        name: `List ${tag}`,
        channel: 'SMS',
        templateId: createTemplate.id,
        audience: { search: tag },
        windowStartHour: 0,
        windowEndHour: 24,
      },
    });
    await t.api.LaunchCampaign({ id: createCampaign.id });
    const done = await campaignCompleted(t, createCampaign.id);
    expect(done.stats).toMatchObject({ total: 4, sent: 2, skipped: 2 });
    const sent = offline.sent.filter((m) => m.organizationId === t.organizationId).map((m) => m.to);
    expect(sent.sort()).toEqual([phones[0], phones[1]].sort());
  });

  it('recordConsentBulk appends for a filter or ids, source and evidence required; bad input: nothing', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const tag = `Bulk${randomUUID().slice(0, 6)}`;
    const leads: { id: string; phone?: string | null; email?: string | null }[] = [];
    for (const [i, phone] of [randomPhone(), randomPhone(), null].entries())
      leads.push(
        (await t.api.CreateLead({ input: { firstName: `L${i}`, lastName: tag, phone, email: `l${i}-${tag}@x.com` } }))
          .createLead,
      );
    await t.api.RecordConsent({
      input: { channel: 'SMS', contactPoint: leads[0]!.phone!, status: 'OPTED_OUT', source: 'CALL' },
    });
    const { createLead: foreign } = await other.api.CreateLead({ input: { firstName: 'F', lastName: 'Oreign' } });

    const refused: [() => Promise<unknown>, string, string | undefined][] = [
      [
        () =>
          t.api.RecordConsentBulk({
            input: { filter: { search: tag }, channels: ['SMS'], source: 'WEB', evidence: '  ' },
          }),
        'BAD_USER_INPUT',
        'input.evidence',
      ],
      [
        () =>
          t.api.RecordConsentBulk({
            input: { leadIds: [leads[0]!.id], filter: { search: tag }, channels: ['SMS'], source: 'W', evidence: 'e' },
          }),
        'BAD_USER_INPUT',
        'input.leadIds',
      ],
      [
        () =>
          t.api.RecordConsentBulk({
            input: { leadIds: [leads[1]!.id, foreign.id], channels: ['SMS'], source: 'W', evidence: 'e' },
          }),
        'NOT_FOUND',
        undefined,
      ],
    ];
    for (const [call, code, field] of refused) {
      const e = await gqlError(call());
      expect([e.code, e.extensions.field]).toEqual([code, field]);
    }
    expect(await history(t, leads[1]!.phone!)).toEqual([]);

    const { recordConsentBulk } = await t.api.RecordConsentBulk({
      input: {
        filter: { search: tag },
        channels: ['SMS', 'EMAIL'],
        source: 'call_center',
        evidence: 'Recorded call #42',
      },
    });
    expect(recordConsentBulk).toEqual({ leadsMatched: 3, recorded: 5, skippedNoContactPoint: 1 });
    // Appended, never overwritten: the earlier opt-out stays in the ledger under the new opt-in.
    expect((await history(t, leads[0]!.phone!)).map((r) => [r.status, r.source])).toEqual([
      ['OPTED_IN', 'CALL_CENTER'],
      ['OPTED_OUT', 'CALL'],
    ]);
    const { recordConsentBulk: byIds } = await t.api.RecordConsentBulk({
      input: { leadIds: [leads[2]!.id], channels: ['EMAIL'], status: 'OPTED_OUT', source: 'EMAIL', evidence: 'Reply' },
    });
    expect(byIds).toEqual({ leadsMatched: 1, recorded: 1, skippedNoContactPoint: 0 });
    const email = await t.api.ConsentStatus({ channel: 'EMAIL', contactPoint: leads[2]!.email! });
    expect(email.consentStatus).toMatchObject({ allowed: false, reason: 'OPTED_OUT' });
    expect(nodes((await other.api.Leads({ filter: { search: tag } })).leads)).toEqual([]);
  });
});
