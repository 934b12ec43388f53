import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

const server = await startTestServer();

const NOTIFICATIONS = 'subscription { notificationReceived { id kind title } }';
type Received = { notificationReceived: { id: string; kind: string; title: string } };

async function lead(t: Tenant) {
  const { createLead } = await t.api.CreateLead({ input: { firstName: 'Tess', lastName: 'Task' } });
  return createLead;
}

/** `YYYY-MM-DD` of now in a time zone. */
function dayIn(timeZone: string, offsetDays = 0): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(Date.now() + offsetDays * 86_400_000));
}

async function taskDueNotifications(t: Tenant) {
  const { notifications } = await t.api.Notifications({ first: 100 });
  return notifications.edges.map((e) => e.node).filter((n) => n.kind === 'TASK_DUE');
}

describe('tasks', () => {
  it('lists by due window in the organization’s time zone, and refuses bad input changing nothing', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    await t.api.SetOrganizationTimeZone({ timeZone: 'America/New_York' });
    const l = await lead(t);
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    const { createTask: overdue } = await t.api.CreateTask({
      input: { title: 'Call back', type: 'CALL', dueAt: at(-30 * 3_600_000), leadId: l.id },
    });
    const { createTask: today } = await t.api.CreateTask({
      input: { title: 'Text the seller', type: 'TEXT', dueDate: dayIn('America/New_York') },
    });
    const { createTask: soon } = await t.api.CreateTask({ input: { title: 'Site visit', dueAt: at(3 * 86_400_000) } });
    const { createTask: undated } = await t.api.CreateTask({ input: { title: 'Someday', type: 'OTHER' } });
    expect(today).toMatchObject({ allDay: true, status: 'OPEN', type: 'TEXT', assignee: { id: t.userId } });
    expect(overdue.lead).toEqual({ id: l.id });

    const ids = async (due: 'OVERDUE' | 'TODAY' | 'NEXT_7_DAYS' | 'NO_DATE') =>
      (await t.api.Tasks({ filter: { due }, orderBy: { field: 'DUE_AT', direction: 'ASC' } })).tasks.edges
        .map((e) => e.node.id)
        .sort();
    expect(await ids('OVERDUE')).toEqual([overdue.id]);
    expect(await ids('TODAY')).toEqual([today.id]);
    expect(await ids('NEXT_7_DAYS')).toEqual([today.id, soon.id].sort());
    expect(await ids('NO_DATE')).toEqual([undated.id]);
    expect((await t.api.Tasks({ filter: { leadId: l.id } })).tasks.totalCount).toBe(1);
    expect((await other.api.Tasks({})).tasks.totalCount).toBe(0);

    const refused: [() => Promise<unknown>, string, string][] = [
      [
        () => t.api.CreateTask({ input: { title: 'Far', dueAt: at(6 * 366 * 86_400_000) } }),
        'BAD_USER_INPUT',
        'input.dueAt',
      ],
      [
        () => t.api.CreateTask({ input: { title: 'Bad day', dueDate: '2027-02-30' } }),
        'BAD_USER_INPUT',
        'input.dueDate',
      ],
      [
        () =>
          t.api.CreateTask({ input: { title: 'Zero', dueAt: at(60_000), recurrenceEvery: 0, recurrenceUnit: 'DAYS' } }),
        'BAD_USER_INPUT',
        'input.recurrenceEvery',
      ],
      [
        () => t.api.CreateTask({ input: { title: 'Theirs', assigneeId: other.userId } }),
        'BAD_USER_INPUT',
        'input.assigneeId',
      ],
      [() => t.api.CreateTask({ input: { notes: 'No title' } }), 'BAD_USER_INPUT', 'input.title'],
    ];
    for (const [call, code, field] of refused) {
      const e = await gqlError(call());
      expect([e.code, e.extensions.field]).toEqual([code, field]);
    }
    const { createLead: foreignLead } = await other.api.CreateLead({ input: { firstName: 'F', lastName: 'L' } });
    expect((await gqlError(t.api.CreateTask({ input: { title: 'X', leadId: foreignLead.id } }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await gqlError(t.api.Task({ id: randomUUID() }))).code).toBe('NOT_FOUND');
    expect((await gqlError(other.api.CompleteTask({ id: overdue.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(t.api.SetOrganizationTimeZone({ timeZone: 'Mars/Olympus' }))).code).toBe('BAD_USER_INPUT');
    expect((await t.api.Tasks({})).tasks.totalCount).toBe(4); // nothing partial was written
  });

  it('completes with activity and follow-up in one call; a recurring task recurs; reopen and cancel', async () => {
    const t = await createTenant(server.url);
    const l = await lead(t);
    const due = new Date(Date.now() + 86_400_000).toISOString();
    const { createTask } = await t.api.CreateTask({
      input: {
        title: 'Weekly check-in',
        type: 'CALL',
        dueAt: due,
        leadId: l.id,
        recurrenceEvery: 1,
        recurrenceUnit: 'WEEKS',
      },
    });
    const { completeTask } = await t.api.CompleteTask({
      id: createTask.id,
      input: {
        activity: { type: 'CALL', outcome: 'interested', body: 'Wants an offer by Friday' },
        followUp: {
          title: 'Send the offer',
          type: 'OFFER',
          dueAt: new Date(Date.now() + 2 * 86_400_000).toISOString(),
        },
      },
    });
    expect(completeTask).toMatchObject({ status: 'DONE' });
    expect(completeTask.completedAt).toBeTruthy();
    const timeline = (await t.api.Lead({ id: l.id })).lead.activities;
    expect(timeline[0]).toMatchObject({ type: 'CALL', outcome: 'interested', body: 'Wants an offer by Friday' });
    const open = (
      await t.api.Tasks({ filter: { statuses: ['OPEN'] }, orderBy: { field: 'DUE_AT', direction: 'ASC' } })
    ).tasks.edges.map((e) => e.node);
    expect(open.map((x) => x.title).sort()).toEqual(['Send the offer', 'Weekly check-in']);
    const next = open.find((x) => x.title === 'Weekly check-in')!;
    expect(new Date(next.dueAt!).getTime() - new Date(due).getTime()).toBe(7 * 86_400_000);
    expect(next.lead).toEqual({ id: l.id });

    expect((await gqlError(t.api.CompleteTask({ id: createTask.id }))).code).toBe('BAD_USER_INPUT');
    expect((await t.api.ReopenTask({ id: createTask.id })).reopenTask).toMatchObject({
      status: 'OPEN',
      completedAt: null,
    });
    await t.api.CompleteTask({ id: createTask.id }); // again: its next occurrence exists already
    const weekly = await t.api.Tasks({ filter: { statuses: ['OPEN'] } });
    expect(weekly.tasks.edges.filter((x) => x.node.title === 'Weekly check-in')).toHaveLength(1);
    await t.api.ReopenTask({ id: createTask.id });
    expect((await t.api.CancelTask({ id: createTask.id })).cancelTask.status).toBe('CANCELED');
    const noLead = (await t.api.CreateTask({ input: { title: 'Alone' } })).createTask;
    const e = await gqlError(t.api.CompleteTask({ id: noLead.id, input: { activity: { type: 'CALL' } } }));
    expect(e.extensions.field).toBe('input.activity');
    expect((await t.api.Task({ id: noLead.id })).task.status).toBe('OPEN'); // the refusal changed nothing
  });
});

describe('task reminders and notifications', () => {
  it('fire once at the due time, move when rescheduled, vanish when completed, only to the assignee', async () => {
    const t = await createTenant(server.url);
    const mate = await addMember(server.url, t, 'AGENT');
    const other = await createTenant(server.url);
    const [mine, mates, others] = await Promise.all([
      subscribe<Received>(server.wsUrl, t.token, NOTIFICATIONS),
      subscribe<Received>(server.wsUrl, mate.token, NOTIFICATIONS),
      subscribe<Received>(server.wsUrl, other.token, NOTIFICATIONS),
    ]);
    try {
      const dueIn = (ms: number) => new Date(Date.now() + ms).toISOString();
      const fires = (await t.api.CreateTask({ input: { title: 'Fires', dueAt: dueIn(1_500) } })).createTask;
      const moved = (await t.api.CreateTask({ input: { title: 'Moved', dueAt: dueIn(1_500) } })).createTask;
      const done = (await t.api.CreateTask({ input: { title: 'Done first', dueAt: dueIn(1_500) } })).createTask;
      const movedTo = new Date(Date.now() + 4_000);
      await t.api.UpdateTask({ id: moved.id, input: { dueAt: movedTo.toISOString() } });
      await t.api.CompleteTask({ id: done.id });

      const first = await mine.next(15_000);
      expect(first.notificationReceived).toMatchObject({ kind: 'TASK_DUE', title: 'Due: Fires' });
      expect(Date.now()).toBeGreaterThanOrEqual(new Date(fires.dueAt!).getTime() - 50);
      const second = await mine.next(15_000);
      expect(second.notificationReceived.title).toBe('Due: Moved');
      expect(Date.now()).toBeGreaterThanOrEqual(movedTo.getTime() - 50); // at the new time, not the old
      expect(await mine.quiet(1_500)).toBe(true); // nothing for the completed task, nothing twice

      const due = await taskDueNotifications(t);
      expect(due.map((n) => n.title).sort()).toEqual(['Due: Fires', 'Due: Moved']);
      expect((await t.api.Task({ id: fires.id })).task.remindedAt).toBeTruthy();
      expect(mates.received).toEqual([]); // same organization, another user: nothing
      expect(others.received).toEqual([]);
      expect((await taskDueNotifications(mate)).length).toBe(0);
    } finally {
      await Promise.all([mine.close(), mates.close(), others.close()]);
    }
  });

  it('tells an assignee about a task someone else gave them; read state is per user', async () => {
    const t = await createTenant(server.url);
    const mate = await addMember(server.url, t, 'AGENT');
    const mates = await subscribe<Received>(server.wsUrl, mate.token, NOTIFICATIONS);
    try {
      await t.api.CreateTask({ input: { title: 'Call the Smiths', assigneeId: mate.userId } });
      expect((await mates.next(10_000)).notificationReceived).toMatchObject({
        kind: 'TASK_ASSIGNED',
        title: 'New task: Call the Smiths',
      });
    } finally {
      await mates.close();
    }
    const inbox = await mate.api.Notifications({ unreadOnly: true });
    expect(inbox.unreadNotificationCount).toBe(1);
    expect((await t.api.Notifications({})).notifications.totalCount).toBe(0);
    const id = inbox.notifications.edges[0]!.node.id;
    expect((await t.api.MarkNotificationsRead({ ids: [id] })).markNotificationsRead).toBe(0); // not theirs
    expect((await mate.api.MarkNotificationsRead({ all: true })).markNotificationsRead).toBe(1);
    expect((await mate.api.Notifications({ unreadOnly: true })).unreadNotificationCount).toBe(0);
    expect((await gqlError(mate.api.MarkNotificationsRead({}))).code).toBe('BAD_USER_INPUT');
  });
});
