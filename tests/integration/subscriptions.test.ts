import { print } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { PipelineEventsDocument, type PipelineEventsSubscription } from '../../client/index.js';
import { TokenSigner } from '../../src/platform/auth/tokens.js';
import { createTenant, uniqueAddress } from '../helpers/gql.js';
import { startApiProcess, type ApiProcess } from '../helpers/process.js';
import { startTestServer } from '../helpers/server.js';
import { closeCodeFor, subscribe } from '../helpers/ws.js';

const server = await startTestServer();
const QUERY = print(PipelineEventsDocument);
let second: ApiProcess | undefined;
afterAll(async () => {
  await second?.stop();
});

describe('pipelineEvents over graphql-ws', () => {
  it('closes sockets with 4403 when the token is missing, invalid or expired', async () => {
    const t = await createTenant(server.url);
    const expired = await new TokenSigner(server.config.jwtSecret, -5).signAccess({
      id: t.userId,
      organizationId: t.organizationId,
      role: 'OWNER' as never,
    });
    expect(await closeCodeFor(server.wsUrl, null)).toBe(4403);
    expect(await closeCodeFor(server.wsUrl, 'garbage')).toBe(4403);
    expect(await closeCodeFor(server.wsUrl, expired.token)).toBe(4403);
  });

  it('delivers DEAL_MOVED with the deal and its from/to stage, and PROPERTY_UPDATED from geocoding', async () => {
    const t = await createTenant(server.url);
    const sub = await subscribe<PipelineEventsSubscription>(server.wsUrl, t.token, QUERY);
    const { createProperty: p } = await t.api.CreateProperty({ input: uniqueAddress('30310') });
    expect((await sub.next()).pipelineEvents).toMatchObject({
      type: 'PROPERTY_CREATED',
      property: { id: p.id },
      actor: { id: t.userId },
    });
    const geocoded = (await sub.next(10_000)).pipelineEvents;
    expect(geocoded).toMatchObject({
      type: 'PROPERTY_UPDATED',
      property: { id: p.id, geocodeStatus: 'DONE' },
      actor: null,
    });
    expect(geocoded.property!.latitude).toBeCloseTo(33.73, 1);

    const { createLead: lead } = await t.api.CreateLead({
      input: { firstName: 'Lee', lastName: 'Live', propertyId: p.id },
    });
    expect((await sub.next()).pipelineEvents).toMatchObject({
      type: 'LEAD_CREATED',
      lead: { id: lead.id, firstName: 'Lee' },
    });
    const { createDeal: deal } = await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: p.id } });
    expect((await sub.next()).pipelineEvents).toMatchObject({
      type: 'DEAL_CREATED',
      toStage: 'NEW',
      deal: { id: deal.id },
    });
    await t.api.MoveDeal({ id: deal.id, stage: 'APPOINTMENT_SET' });
    const moved = (await sub.next()).pipelineEvents;
    expect(moved).toMatchObject({
      type: 'DEAL_MOVED',
      fromStage: 'NEW',
      toStage: 'APPOINTMENT_SET',
      deal: { id: deal.id, stage: 'APPOINTMENT_SET' },
      actor: { id: t.userId },
    });
    // Each event is read fresh: a second move shows the new stage, not a cached one.
    await t.api.MoveDeal({ id: deal.id, stage: 'OFFER_MADE' });
    expect((await sub.next()).pipelineEvents.deal).toMatchObject({ stage: 'OFFER_MADE' });
    await sub.close();
  });

  it('a moveDeal served by one API process reaches a subscriber connected to another', async () => {
    second = await startApiProcess(server.config);
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const sub = await subscribe<PipelineEventsSubscription>(second.wsUrl, t.token, QUERY);
    const otherSub = await subscribe<PipelineEventsSubscription>(second.wsUrl, other.token, QUERY);
    // geocoder "down": no PROPERTY_UPDATED yet
    const { createProperty: p } = await t.api.CreateProperty({ input: uniqueAddress('99999') });
    const { createLead: lead } = await t.api.CreateLead({
      input: { firstName: 'Two', lastName: 'Proc', propertyId: p.id },
    });
    const { createDeal: deal } = await t.api.CreateDeal({ input: { leadId: lead.id, propertyId: p.id } });
    await t.api.MoveDeal({ id: deal.id, stage: 'CONTACTED', note: 'from process one' });
    const events = [];
    for (let i = 0; i < 4; i++) events.push((await sub.next()).pipelineEvents);
    expect(events.map((e) => e.type)).toEqual(['PROPERTY_CREATED', 'LEAD_CREATED', 'DEAL_CREATED', 'DEAL_MOVED']);
    expect(events[3]).toMatchObject({
      fromStage: 'NEW',
      toStage: 'CONTACTED',
      deal: { id: deal.id, stage: 'CONTACTED' },
    });
    expect(await otherSub.quiet(300)).toBe(true);
    await otherSub.close();

    // SIGTERM drains the second process: it closes its sockets and exits 0.
    const closed = new Promise<void>((resolve) => sub.onClosed(() => resolve()));
    expect(await second.stop()).toBe(0);
    await closed;
  });
});
