import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, uniqueAddress, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });

async function leadAndProperty(t: Tenant) {
  const { createProperty } = await t.api.CreateProperty({ input: uniqueAddress() });
  const { createLead } = await t.api.CreateLead({
    input: {
      firstName: 'Sam',
      lastName: 'Seller',
      phone: '(512) 555-0143',
      email: 'Sam@Example.com',
      source: 'DIRECT_MAIL',
      propertyId: createProperty.id,
    },
  });
  return { property: createProperty, lead: createLead };
}

describe('leads and activities', () => {
  it('stores phones as E.164 and emails lower-cased, and rejects bad ones', async () => {
    const t = await createTenant(server.url);
    const { lead } = await leadAndProperty(t);
    expect(lead).toMatchObject({
      phone: '+15125550143',
      email: 'sam@example.com',
      status: 'NEW',
      source: 'DIRECT_MAIL',
    });
    expect(
      (await gqlError(t.api.CreateLead({ input: { firstName: 'A', lastName: 'B', phone: '555' } }))).extensions.field,
    ).toBe('input.phone');
    expect(
      (await gqlError(t.api.CreateLead({ input: { firstName: 'A', lastName: 'B', email: 'a@b' } }))).extensions.field,
    ).toBe('input.email');
    expect((await gqlError(t.api.CreateLead({ input: { firstName: 'A' } }))).extensions.field).toBe('input.lastName');
    expect(
      (await gqlError(t.api.CreateLead({ input: { firstName: 'A', lastName: 'B', propertyId: randomUUID() } }))).code,
    ).toBe('NOT_FOUND');
    const { leads } = await t.api.Leads({ filter: { search: '0143' } });
    expect(leads.totalCount).toBe(1);
  });

  it('creates a lead in one statement: it answers the stored row; a foreign property is NOT_FOUND', async () => {
    const [a, b] = [await createTenant(server.url), await createTenant(server.url)];
    const { lead, property } = await leadAndProperty(a);
    // What createLead answered is what a later read of the row says, defaults and property included.
    const { lead: stored } = await a.api.Lead({ id: lead.id });
    const { activities: _a, deals: _d, ...row } = stored!;
    expect(lead).toEqual(row);
    expect(lead).toMatchObject({
      property: { id: property.id },
      openTaskCount: 0,
      awaitingReply: false,
      motivation: null,
    });
    expect(Date.parse(lead.createdAt)).toBeGreaterThan(Date.now() - 60_000);
    const { createLead: alone } = await a.api.CreateLead({ input: { firstName: 'No', lastName: 'Property' } });
    expect(alone).toMatchObject({ property: null, score: null, source: 'OTHER', status: 'NEW' });
    expect((await a.api.Lead({ id: alone.id })).lead).toMatchObject(alone);
    const before = (await b.api.Leads({})).leads.totalCount;
    for (const propertyId of [property.id, property.id.toUpperCase(), 'not-a-uuid']) {
      const error = await gqlError(b.api.CreateLead({ input: { firstName: 'X', lastName: 'Y', propertyId } }));
      expect(error.code, propertyId).toBe('NOT_FOUND');
    }
    expect((await b.api.Leads({})).leads.totalCount).toBe(before);
    // The upper-case id of one's own property is the same property.
    const { createLead: upper } = await a.api.CreateLead({
      input: { firstName: 'Up', lastName: 'Per', propertyId: property.id.toUpperCase() },
    });
    expect(upper.property).toEqual({ id: property.id });
  });

  it('keeps a timeline of activities, newest first', async () => {
    const t = await createTenant(server.url);
    const { lead } = await leadAndProperty(t);
    await t.api.LogActivity({
      input: {
        leadId: lead.id,
        type: 'CALL',
        body: 'No answer',
        outcome: 'voicemail',
        occurredAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
    });
    await t.api.LogActivity({
      input: { leadId: lead.id, type: 'SMS', direction: 'INBOUND', body: 'Call me tomorrow' },
    });
    const { lead: full } = await t.api.Lead({ id: lead.id });
    expect(full.activities.map((a) => [a.type, a.direction])).toEqual([
      ['SMS', 'INBOUND'],
      ['CALL', 'OUTBOUND'],
    ]);
    expect(full.activities[0]!.user?.id).toBe(t.userId);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(
      (await gqlError(t.api.LogActivity({ input: { leadId: lead.id, type: 'NOTE', occurredAt: future } }))).extensions
        .field,
    ).toBe('input.occurredAt');
    expect((await gqlError(t.api.LogActivity({ input: { leadId: randomUUID(), type: 'NOTE' } }))).code).toBe(
      'NOT_FOUND',
    );
    // Another organization cannot write on this lead's timeline, nor learn that it exists.
    const other = await createTenant(server.url);
    expect((await gqlError(other.api.LogActivity({ input: { leadId: lead.id, type: 'NOTE' } }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await t.api.Lead({ id: lead.id })).lead.activities).toHaveLength(2);
  });
});

describe('deals and the pipeline', () => {
  it('moves a deal through stages, recording who, when and why', async () => {
    const t = await createTenant(server.url);
    const { lead, property } = await leadAndProperty(t);
    const { createDeal: deal } = await t.api.CreateDeal({
      input: { leadId: lead.id, propertyId: property.id, offerAmount: 150000 },
    });
    expect(deal.stage).toBe('NEW');
    expect(deal.title).toContain('Sam Seller');
    await t.api.MoveDeal({ id: deal.id, stage: 'OFFER_MADE', note: 'Verbal at 150k' });
    await t.api.UpdateDeal({ id: deal.id, input: { contractPrice: 160000, expectedCloseDate: '2027-01-15' } });
    const { moveDeal } = await t.api.MoveDeal({ id: deal.id, stage: 'UNDER_CONTRACT' });
    expect(moveDeal).toMatchObject({ stage: 'UNDER_CONTRACT', contractPrice: 160000, expectedCloseDate: '2027-01-15' });
    const { deal: full } = await t.api.Deal({ id: deal.id });
    expect(full.stageHistory.map((h) => [h.fromStage, h.toStage])).toEqual([
      [null, 'NEW'],
      ['NEW', 'OFFER_MADE'],
      ['OFFER_MADE', 'UNDER_CONTRACT'],
    ]);
    expect(full.stageHistory[1]).toMatchObject({ note: 'Verbal at 150k', by: { id: t.userId } });
    expect((await gqlError(t.api.MoveDeal({ id: deal.id, stage: 'UNDER_CONTRACT' }))).code).toBe('BAD_USER_INPUT');
  });

  it('losing a deal needs a reason; reopening a closed deal needs OWNER or ADMIN', async () => {
    const owner = await createTenant(server.url);
    const agent = await addMember(server.url, owner, 'AGENT');
    const { lead, property } = await leadAndProperty(owner);
    const { createDeal: deal } = await agent.api.CreateDeal({ input: { leadId: lead.id, propertyId: property.id } });
    expect((await gqlError(agent.api.MoveDeal({ id: deal.id, stage: 'CLOSED_LOST' }))).extensions.field).toBe('note');
    await agent.api.MoveDeal({ id: deal.id, stage: 'CLOSED_LOST', note: 'Listed with an agent' });
    expect((await gqlError(agent.api.MoveDeal({ id: deal.id, stage: 'NEGOTIATION' }))).code).toBe('FORBIDDEN');
    const { deal: still } = await owner.api.Deal({ id: deal.id });
    expect(still).toMatchObject({ stage: 'CLOSED_LOST', lostReason: 'Listed with an agent' });
    expect(still.stageHistory).toHaveLength(2);
    const { moveDeal } = await owner.api.MoveDeal({ id: deal.id, stage: 'NEGOTIATION', note: 'Seller came back' });
    expect(moveDeal).toMatchObject({ stage: 'NEGOTIATION', lostReason: 'Listed with an agent' });
    // Lost again without a note: the reason on file is enough.
    expect((await owner.api.MoveDeal({ id: deal.id, stage: 'CLOSED_LOST' })).moveDeal.stage).toBe('CLOSED_LOST');
    // Another organization's owner cannot move it, nor learn it exists; nothing is written.
    const other = await createTenant(server.url);
    expect((await gqlError(other.api.MoveDeal({ id: deal.id, stage: 'NEW', note: 'x' }))).code).toBe('NOT_FOUND');
    expect((await gqlError(other.api.MoveDeal({ id: 'not-a-uuid', stage: 'NEW' }))).code).toBe('NOT_FOUND');
    expect((await owner.api.Deal({ id: deal.id })).deal.stageHistory).toHaveLength(4);
  });

  it('concurrent moves of one deal take turns: history stays a chain', async () => {
    const t = await createTenant(server.url);
    const { lead, property } = await leadAndProperty(t);
    const { createDeal: deal } = await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: property.id } });
    // Three bursts of four moves at once; every move changes the stage, whatever the order.
    const stages = ['CONTACTED', 'APPOINTMENT_SET', 'OFFER_MADE', 'NEGOTIATION'] as const;
    for (let burst = 0; burst < 3; burst++) {
      const { deal: now } = await t.api.Deal({ id: deal.id });
      const results = await Promise.allSettled(
        stages.filter((s) => s !== now.stage).map((stage) => t.api.MoveDeal({ id: deal.id, stage })),
      );
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
    }
    const { deal: full } = await t.api.Deal({ id: deal.id });
    const h = full.stageHistory;
    for (let i = 1; i < h.length; i++) expect(h[i]!.fromStage).toBe(h[i - 1]!.toStage);
    expect(h.at(-1)!.toStage).toBe(full.stage);
  });

  it('pipeline counts and values deals per stage, every stage listed', async () => {
    const t = await createTenant(server.url);
    const { lead, property } = await leadAndProperty(t);
    const p2 = (await t.api.CreateProperty({ input: uniqueAddress() })).createProperty;
    const d1 = (await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: property.id, offerAmount: 100000 } }))
      .createDeal;
    await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: p2.id, offerAmount: 50000, contractPrice: 70000 } });
    await t.api.MoveDeal({ id: d1.id, stage: 'OFFER_MADE' });
    const { pipeline } = await t.api.Pipeline();
    expect(pipeline).toHaveLength(8);
    const by = Object.fromEntries(pipeline.map((s) => [s.stage, s]));
    expect(by.NEW).toMatchObject({ count: 1, totalValue: 70000 });
    expect(by.OFFER_MADE).toMatchObject({ count: 1, totalValue: 100000 });
    expect(by.CLOSED_WON).toMatchObject({ count: 0, totalValue: 0 });
    const { deals } = await t.api.Deals({ filter: { stages: ['OFFER_MADE'] } });
    expect(deals.edges.map((e) => e.node.id)).toEqual([d1.id]);
  });

  it('rejects negative money and unknown references without writing', async () => {
    const t = await createTenant(server.url);
    const { lead, property } = await leadAndProperty(t);
    expect(
      (await gqlError(t.api.CreateDeal({ input: { leadId: lead.id, propertyId: property.id, offerAmount: -5 } })))
        .extensions.field,
    ).toBe('input.offerAmount');
    expect((await gqlError(t.api.CreateDeal({ input: { leadId: randomUUID(), propertyId: property.id } }))).code).toBe(
      'NOT_FOUND',
    );
    expect(
      (
        await gqlError(
          t.api.CreateDeal({ input: { leadId: lead.id, propertyId: property.id, assignedUserId: randomUUID() } }),
        )
      ).code,
    ).toBe('NOT_FOUND');
    expect((await t.api.Deals({})).deals.totalCount).toBe(0);
  });
});
