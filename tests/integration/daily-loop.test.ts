import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, nodes, uniqueAddress, waitFor, type Tenant } from '../helpers/gql.js';
import { randomPhone } from '../helpers/campaigns.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

const server = await startTestServer();

const FEED = `subscription { pipelineEvents { type lead { id } property { id archivedAt } task { id status }
  activity { id type } inboundMessage { id body } actor { id } } }`;
interface FeedEvent {
  pipelineEvents: {
    type: string;
    lead: { id: string } | null;
    property: { id: string; archivedAt: string | null } | null;
    task: { id: string; status: string } | null;
    activity: { id: string; type: string } | null;
    inboundMessage: { id: string; body: string } | null;
    actor: { id: string } | null;
  };
}
const NOTIFICATIONS = 'subscription { notificationReceived { id kind title lead { id } deal { id } } }';
interface NotificationEvent {
  notificationReceived: { id: string; kind: string; title: string; lead: { id: string } | null };
}

const day = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

async function leadFor(t: Tenant, input: Record<string, unknown> = {}) {
  const { createLead } = await t.api.CreateLead({ input: { firstName: 'Sam', lastName: 'Seller', ...input } });
  return createLead;
}

/** A property whose tags and equity put its score high (or, with `weak`, low). */
async function property(t: Tenant, weak = false) {
  const { createProperty } = await t.api.CreateProperty({
    input: {
      ...uniqueAddress(),
      estimatedValue: 300_000,
      lastSalePrice: weak ? 290_000 : 60_000,
      lastSaleDate: weak ? '2024-01-15' : '1998-06-01',
      ownerOccupied: weak,
      tags: weak ? [] : ['vacant', 'tax-delinquent', 'code-violation'],
    },
  });
  return createProperty;
}

describe('the daily loop', () => {
  it('keeps lead counters true from every path; lists sort and filter by them and by the score', async () => {
    const t = await createTenant(server.url);
    const strong = await property(t);
    const weak = await property(t, true);
    const a = await leadFor(t, { propertyId: strong.id });
    const b = await leadFor(t, { propertyId: weak.id });
    const c = await leadFor(t);
    expect(a.score).toBeGreaterThan(b.score!);
    expect(c.score).toBeNull();

    const { createTask: t1 } = await t.api.CreateTask({
      input: { title: 'Call', dueAt: new Date(Date.now() + day).toISOString(), leadId: b.id },
    });
    await t.api.CreateTask({
      input: { title: 'Later', dueAt: new Date(Date.now() + 3 * day).toISOString(), leadId: b.id },
    });
    let lead = (await t.api.Lead({ id: b.id })).lead;
    expect(lead).toMatchObject({ openTaskCount: 2, nextTaskAt: t1.dueAt, lastContactedAt: null });
    await t.api.CompleteTask({ id: t1.id, input: { activity: { type: 'CALL', outcome: 'left voicemail' } } });
    lead = (await t.api.Lead({ id: b.id })).lead;
    expect(lead.openTaskCount).toBe(1);
    expect(new Date(lead.nextTaskAt!).getTime()).toBeGreaterThan(Date.now() + 2 * day);
    expect(lead.lastContactedAt).toBeTruthy();
    await t.api.LogActivity({ input: { leadId: c.id, type: 'NOTE', body: 'Just a note' } });
    expect((await t.api.Lead({ id: c.id })).lead).toMatchObject({ lastContactedAt: null });
    expect((await t.api.Lead({ id: c.id })).lead.lastActivityAt).toBeTruthy();

    const order = async (field: string, direction: 'ASC' | 'DESC', filter = {}) =>
      nodes((await t.api.Leads({ orderBy: { field: field as never, direction }, filter })).leads).map((l) => l.id);
    expect(await order('SCORE', 'DESC')).toEqual([a.id, b.id, c.id]); // unscored last
    expect(await order('OPEN_TASK_COUNT', 'DESC')).toEqual([b.id, ...[a.id, c.id].sort()]);
    expect(await order('CREATED_AT', 'ASC', { contacted: false })).toEqual([a.id, c.id]);
    expect(await order('CREATED_AT', 'ASC', { contacted: true })).toEqual([b.id]);
    expect(await order('CREATED_AT', 'ASC', { hasOpenTasks: true })).toEqual([b.id]);
    expect(await order('CREATED_AT', 'ASC', { minScore: a.score })).toEqual([a.id]);
    const props = await t.api.Properties({ orderBy: { field: 'SCORE', direction: 'DESC' } });
    expect(nodes(props.properties).map((p) => p.id)).toEqual([strong.id, weak.id]);
    const low = await t.api.Properties({ filter: { maxScore: b.score } });
    expect(nodes(low.properties).map((p) => p.id)).toEqual([weak.id]);
    // Pages through a score ordering with cursors: every lead once.
    const first = await t.api.Leads({ first: 2, orderBy: { field: 'SCORE', direction: 'DESC' } });
    const rest = await t.api.Leads({
      first: 2,
      after: first.leads.pageInfo.endCursor,
      orderBy: { field: 'SCORE', direction: 'DESC' },
    });
    expect([...nodes(first.leads), ...nodes(rest.leads)].map((l) => l.id)).toEqual([a.id, b.id, c.id]);

    // Moving a lead to another property copies that property's score; changing facts rescores both.
    await t.api.UpdateLead({ id: c.id, input: { propertyId: strong.id } });
    expect((await t.api.Lead({ id: c.id })).lead.score).toBe(a.score);
    await t.api.UpdateProperty({ id: strong.id, input: { tags: [] } });
    const rescored = (await t.api.Lead({ id: a.id })).lead.score!;
    expect(rescored).toBeLessThan(a.score!);
    expect((await t.api.Lead({ id: c.id })).lead.score).toBe(rescored);
  });

  it('myDay ranks overdue and today’s tasks, new leads, replies waiting and stale leads, for the caller', async () => {
    const t = await createTenant(server.url);
    const mate = await addMember(server.url, t, 'AGENT');
    await t.api.SetOrganizationTimeZone({ timeZone: 'America/New_York' });
    await t.api.UpdateOrganizationSettings({ input: { staleLeadDays: 10 } });
    await t.api.SetOrganizationSmsNumber({ number: randomPhone() });
    const strong = await property(t);
    const weak = await property(t, true);
    const newOld = await leadFor(t, { firstName: 'First', assignedUserId: t.userId });
    const newYoung = await leadFor(t, { firstName: 'Second', assignedUserId: t.userId });
    await leadFor(t, { firstName: 'Theirs', assignedUserId: mate.userId });
    const replier = await leadFor(t, { phone: '+15125550177', assignedUserId: t.userId });
    await t.api.LogActivity({ input: { leadId: replier.id, type: 'SMS', occurredAt: ago(2 * 3_600_000) } });
    await t.api.SimulateInboundSms({ from: '+15125550177', body: 'Maybe, what would you offer?' });
    const staleLow = await leadFor(t, { propertyId: weak.id, assignedUserId: t.userId, status: 'CONTACTED' });
    const staleHigh = await leadFor(t, { propertyId: strong.id, assignedUserId: t.userId, status: 'NURTURE' });
    const fresh = await leadFor(t, { assignedUserId: t.userId, status: 'CONTACTED' });
    for (const l of [staleLow, staleHigh])
      await t.api.LogActivity({ input: { leadId: l.id, type: 'CALL', occurredAt: ago(20 * day) } });
    await t.api.LogActivity({ input: { leadId: fresh.id, type: 'CALL', occurredAt: ago(2 * day) } });

    const task = async (title: string, dueAt: string | null, leadId?: string, assigneeId?: string) =>
      (await t.api.CreateTask({ input: { title, ...(dueAt ? { dueAt } : {}), leadId, assigneeId } })).createTask;
    const sameDue = ago(3 * 3_600_000); // equal due times: the lead's score decides
    const overdueLow = await task('overdue, low score', sameDue, staleLow.id);
    const overdueHigh = await task('overdue, high score', sameDue, staleHigh.id);
    const overdueOlder = await task('overdue, older', ago(2 * day));
    const { createTask: allDayToday } = await t.api.CreateTask({
      input: {
        title: 'all day today',
        dueDate: new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date()),
      },
    });
    await task('next week', new Date(Date.now() + 7 * day).toISOString());
    await task('not mine', ago(3_600_000), undefined, mate.userId);

    const { myDay } = await t.api.MyDay({});
    expect(myDay.staleLeadDays).toBe(10);
    expect(myDay.overdueTasks.map((x) => x.id)).toEqual([overdueOlder.id, overdueHigh.id, overdueLow.id]);
    // An all-day task is "today" for the whole day (unless the day is over in New York).
    expect(myDay.todayTasks.map((x) => x.id)).toEqual([allDayToday.id]);
    expect(myDay.newLeads.map((x) => x.id)).toEqual([newOld.id, newYoung.id]);
    expect(myDay.awaitingReply.map((x) => x.id)).toEqual([replier.id]);
    expect(myDay.staleLeads.map((x) => x.id)).toEqual([staleHigh.id, staleLow.id]);
    expect(myDay.counts).toEqual({ overdueTasks: 3, todayTasks: 1, newLeads: 2, awaitingReply: 1, staleLeads: 2 });
    expect((await t.api.MyDay({ limit: 1 })).myDay.overdueTasks).toHaveLength(1);
    expect((await gqlError(t.api.MyDay({ limit: 0 }))).code).toBe('BAD_USER_INPUT');

    // Answering the reply clears it; the teammate's day has only their own.
    await t.api.LogActivity({ input: { leadId: replier.id, type: 'SMS', body: 'Let me run numbers' } });
    expect((await t.api.MyDay({})).myDay.awaitingReply).toEqual([]);
    const theirs = (await mate.api.MyDay({})).myDay;
    expect(theirs.newLeads).toHaveLength(1);
    expect(theirs.overdueTasks.map((x) => x.id)).toHaveLength(1);
    expect(theirs.counts.staleLeads).toBe(0);
  });

  it('announces every kind of change on pipelineEvents with the changed object, only in its organization', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    await t.api.SetOrganizationSmsNumber({ number: randomPhone() });
    const feed = await subscribe<FeedEvent>(server.wsUrl, t.token, FEED);
    const theirs = await subscribe<FeedEvent>(server.wsUrl, other.token, FEED);
    const next = async (type: string) => {
      for (;;) {
        const e = (await feed.next()).pipelineEvents;
        if (e.type === type) return e;
      }
    };
    const p = await property(t);
    expect((await next('PROPERTY_CREATED')).property!.id).toBe(p.id);
    const l = await leadFor(t, { phone: '+15125550188', propertyId: p.id });
    expect((await next('LEAD_CREATED')).lead!.id).toBe(l.id);
    await t.api.UpdateLead({ id: l.id, input: { motivation: 'Tired landlord' } });
    expect((await next('LEAD_UPDATED')).lead!.id).toBe(l.id);
    const mate = await addMember(server.url, t, 'AGENT');
    await t.api.UpdateLead({ id: l.id, input: { assignedUserId: mate.userId } });
    expect(await next('LEAD_ASSIGNED')).toMatchObject({ lead: { id: l.id }, actor: { id: t.userId } });
    const { logActivity } = await t.api.LogActivity({ input: { leadId: l.id, type: 'CALL', body: 'No answer' } });
    expect(await next('ACTIVITY_LOGGED')).toMatchObject({ activity: { id: logActivity.id, type: 'CALL' } });
    const { createTask } = await t.api.CreateTask({ input: { title: 'Call again', leadId: l.id } });
    expect((await next('TASK_CREATED')).task).toEqual({ id: createTask.id, status: 'OPEN' });
    await t.api.CompleteTask({ id: createTask.id });
    expect((await next('TASK_COMPLETED')).task).toEqual({ id: createTask.id, status: 'DONE' });
    const { simulateInboundSms } = await t.api.SimulateInboundSms({ from: '+15125550188', body: 'Call me at 5' });
    expect(await next('MESSAGE_RECEIVED')).toMatchObject({
      lead: { id: l.id },
      inboundMessage: { id: simulateInboundSms.id, body: 'Call me at 5' },
    });
    await t.api.UpdateProperty({ id: p.id, input: { bedrooms: 4 } });
    expect((await next('PROPERTY_UPDATED')).property!.id).toBe(p.id);
    await t.api.ArchiveProperty({ id: p.id });
    expect((await next('PROPERTY_ARCHIVED')).property!.archivedAt).toBeTruthy();
    expect(await theirs.quiet(300)).toBe(true);
    await Promise.all([feed.close(), theirs.close()]);
  });

  it('notifies the right user: assignments, moves by others, mentions, replies; muted kinds not stored', async () => {
    const t = await createTenant(server.url);
    const mate = await addMember(server.url, t, 'AGENT');
    const other = await createTenant(server.url);
    await t.api.SetOrganizationSmsNumber({ number: randomPhone() });
    const [mine, theirs, outsider] = await Promise.all([
      subscribe<NotificationEvent>(server.wsUrl, mate.token, NOTIFICATIONS),
      subscribe<NotificationEvent>(server.wsUrl, t.token, NOTIFICATIONS),
      subscribe<NotificationEvent>(server.wsUrl, other.token, NOTIFICATIONS),
    ]);
    const p = await property(t);
    const l = await leadFor(t, { phone: '+15125550199', propertyId: p.id, assignedUserId: mate.userId });
    expect((await mine.next()).notificationReceived).toMatchObject({ kind: 'LEAD_ASSIGNED', lead: { id: l.id } });
    const { createDeal } = await t.api.CreateDeal({
      input: { leadId: l.id, propertyId: p.id, assignedUserId: mate.userId },
    });
    expect((await mine.next()).notificationReceived.kind).toBe('DEAL_ASSIGNED');
    await t.api.MoveDeal({ id: createDeal.id, stage: 'CONTACTED' });
    expect((await mine.next()).notificationReceived.kind).toBe('DEAL_MOVED');
    await mate.api.MoveDeal({ id: createDeal.id, stage: 'APPOINTMENT_SET' }); // their own move: no notification
    await t.api.LogActivity({
      input: { leadId: l.id, type: 'NOTE', body: 'Can @a.agent call at 5? cc olive@example.com' },
    });
    expect((await mine.next()).notificationReceived).toMatchObject({ kind: 'MENTION', lead: { id: l.id } });
    await t.api.SimulateInboundSms({ from: '+15125550199', body: 'Yes, call me' });
    expect((await mine.next()).notificationReceived).toMatchObject({ kind: 'REPLY_RECEIVED', lead: { id: l.id } });
    expect(await theirs.quiet(200)).toBe(true);
    expect(await outsider.quiet(0)).toBe(true);
    expect(mine.received).toEqual([]);

    // Muted kinds are not stored at all; the others still arrive.
    await mate.api.UpdateNotificationPreferences({ input: { mutedKinds: ['MENTION'] } });
    await t.api.LogActivity({ input: { leadId: l.id, type: 'NOTE', body: '@a.agent again' } });
    await t.api.MoveDeal({ id: createDeal.id, stage: 'OFFER_MADE' });
    expect((await mine.next()).notificationReceived.kind).toBe('DEAL_MOVED');
    const kinds = nodes((await mate.api.Notifications({ first: 50 })).notifications).map((n) => n.kind);
    expect(kinds.filter((k) => k === 'MENTION')).toHaveLength(1);
    expect((await other.api.Notifications({})).notifications.totalCount).toBe(0);
    await Promise.all([mine.close(), theirs.close(), outsider.close()]);
  });

  it('sends the daily digest of unread notifications over SMTP once, and schedules the next day', async () => {
    const t = await createTenant(server.url);
    const mate = await addMember(server.url, t, 'AGENT');
    await t.api.SetOrganizationTimeZone({ timeZone: 'America/New_York' });
    await leadFor(t, { firstName: 'Digest', assignedUserId: mate.userId });
    const { updateNotificationPreferences: prefs } = await mate.api.UpdateNotificationPreferences({
      input: { digestEnabled: true, digestHour: 7 },
    });
    expect(prefs).toEqual({ mutedKinds: [], digestEnabled: true, digestHour: 7 });
    const { queues } = server.deps;
    const scheduled = (await queues.reminder.getDelayed()).filter((j) => j.id?.startsWith(`digest-${mate.userId}-`));
    expect(scheduled).toHaveLength(1);
    const at = scheduled[0]!.timestamp + (scheduled[0]!.opts.delay ?? 0);
    expect(at).toBeGreaterThan(Date.now());
    expect(at - Date.now()).toBeLessThanOrEqual(86_400_000 + 3_600_000);
    expect(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(at),
    ).toBe('07');

    // Today's digest, due now (twice: one job).
    const hour = Number(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: 'numeric', hourCycle: 'h23' }).format(
        new Date(),
      ),
    );
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(new Date());
    await mate.api.UpdateNotificationPreferences({ input: { digestHour: hour } });
    const job = { organizationId: t.organizationId, userId: mate.userId, day: today, hour };
    await queues.scheduleDigest(job, new Date());
    await queues.scheduleDigest(job, new Date());
    const mails = () => server.deps.localSmtp!.received.filter((m) => m.envelopeTo.includes(mate.email));
    await waitFor(async () => mails().length === 1);
    expect(mails()[0]!.parsed.subject).toBe('Real Estate OS: 1 unread notification');
    expect(mails()[0]!.parsed.text).toContain('Lead assigned to you: Digest Seller');
    await queues.scheduleDigest({ ...job, hour: (hour + 1) % 24 }, new Date()); // not the hour chosen: stale
    await new Promise((r) => setTimeout(r, 500));
    expect(mails()).toHaveLength(1);
    expect(server.deps.localSmtp!.received.some((m) => m.envelopeTo.includes(t.email))).toBe(false);
  });
});
