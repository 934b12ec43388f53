import { describe, expect, it } from 'vitest';
import type { AutomationRunsQuery } from '../../client/index.js';
import { addMember, createTenant, gqlError, nodes, waitFor, type Tenant } from '../helpers/gql.js';
import { asTenant } from '../helpers/campaigns.js';
import { sequenceTemplates } from '../helpers/sequences.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ config: { reminderSweepMs: 1_000 } });

type Run = AutomationRunsQuery['automationRuns']['edges'][number]['node'];
async function runs(t: Tenant, ruleId: string): Promise<Run[]> {
  return nodes((await t.api.AutomationRuns({ ruleId, first: 100 })).automationRuns);
}
/** The rule's runs once `done` holds and none of them is still RUNNING (claimed, not yet recorded). */
async function runsWhen(t: Tenant, ruleId: string, done: (r: Run[]) => boolean, timeoutMs = 20_000) {
  return waitFor(async () => {
    const r = await runs(t, ruleId);
    return done(r) && r.every((x) => x.status !== 'RUNNING') ? r : null;
  }, timeoutMs);
}
async function lead(t: Tenant, firstName: string, source: 'PPC' | 'SEO' = 'PPC') {
  return (await t.api.CreateLead({ input: { firstName, lastName: 'Seller', source } })).createLead;
}

describe('automation rules', () => {
  it('round-robin assigns new web leads evenly across three agents, skipping a deactivated one', async () => {
    const t = await createTenant(server.url);
    const agents = [];
    for (let i = 0; i < 3; i++) agents.push(await addMember(server.url, t, 'AGENT'));
    const { createAutomationRule: rule } = await t.api.CreateAutomationRule({
      input: {
        name: 'Web leads round-robin',
        trigger: 'LEAD_CREATED',
        triggerConfig: { sources: ['PPC'] },
        conditions: [{ field: 'ASSIGNED', operator: 'IS_FALSE' }],
        actions: [{ type: 'ASSIGN', userIds: agents.map((a) => a.userId) }],
      },
    });
    const ids = [];
    for (let i = 0; i < 30; i++) ids.push((await lead(t, `Web${i}`)).id);
    await lead(t, 'Organic', 'SEO'); // another source: the rule does not fire
    await runsWhen(t, rule.id, (r) => r.length === 30 && r.every((x) => x.status === 'SUCCEEDED'));
    const assignees = async (leadIds: string[]) => {
      const counts = new Map<string, number>();
      for (const id of leadIds) {
        const who = (await t.api.Lead({ id })).lead.assignedUser?.id ?? 'none';
        counts.set(who, (counts.get(who) ?? 0) + 1);
      }
      return counts;
    };
    expect([...(await assignees(ids)).entries()].sort()).toEqual(agents.map((a) => [a.userId, 10]).sort());

    await t.api.DeactivateUser({ userId: agents[2]!.userId, reassignTo: agents[0]!.userId });
    const more = [];
    for (let i = 0; i < 6; i++) more.push((await lead(t, `Later${i}`)).id);
    await runsWhen(t, rule.id, (r) => r.length === 36 && r.every((x) => x.status === 'SUCCEEDED'));
    expect([...(await assignees(more)).entries()].sort()).toEqual(
      [
        [agents[0]!.userId, 3],
        [agents[1]!.userId, 3],
      ].sort(),
    );
  });

  it('two rules that trigger each other stop at the depth limit, and the stop is recorded', async () => {
    const t = await createTenant(server.url);
    const toggle = (name: string, on: 'CONTACTED' | 'QUALIFIED', to: 'CONTACTED' | 'QUALIFIED') =>
      t.api.CreateAutomationRule({
        input: {
          name,
          trigger: 'LEAD_STATUS_CHANGED',
          triggerConfig: { statuses: [on] },
          actions: [{ type: 'SET_STATUS', status: to }],
        },
      });
    const x = (await toggle('Contacted → qualified', 'CONTACTED', 'QUALIFIED')).createAutomationRule;
    const y = (await toggle('Qualified → contacted', 'QUALIFIED', 'CONTACTED')).createAutomationRule;
    const l = await lead(t, 'Loop');
    await t.api.UpdateLead({ id: l.id, input: { status: 'CONTACTED' } });
    const ys = await runsWhen(t, y.id, (r) => r.length === 2);
    const xs = await runs(t, x.id);
    expect(xs.map((r) => [r.depth, r.status]).sort()).toEqual([
      [0, 'SUCCEEDED'],
      [2, 'SUCCEEDED'],
    ]);
    expect(ys.map((r) => [r.depth, r.status, r.skippedReason]).sort()).toEqual([
      [1, 'SUCCEEDED', null],
      [3, 'SKIPPED', 'DEPTH_LIMIT'],
    ]);
    await new Promise((r) => setTimeout(r, 1_500)); // nothing further happens
    expect(await runs(t, x.id)).toHaveLength(2);
    expect((await t.api.Lead({ id: l.id })).lead.status).toBe('QUALIFIED');
  });

  it('enrolls by rule, and the rules of one organization never run for another’s events', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const tpl = await sequenceTemplates(a, { sms: [], email: ['Welcome'] });
    const { createSequence } = await a.api.CreateSequence({
      input: { name: 'Welcome', steps: [{ type: 'EMAIL', templateId: tpl['Welcome'] }] },
    });
    const { createAutomationRule: rule } = await a.api.CreateAutomationRule({
      input: {
        name: 'Enroll every new lead',
        trigger: 'LEAD_CREATED',
        actions: [
          { type: 'ENROLL_IN_SEQUENCE', sequenceId: createSequence.id },
          { type: 'NOTIFY', userIds: [a.userId], text: 'A new lead' },
        ],
      },
    });
    for (let i = 0; i < 5; i++) await lead(b, `Other${i}`);
    const mine = await lead(a, 'Mine');
    await runsWhen(a, rule.id, (r) => r.length >= 1);
    await new Promise((r) => setTimeout(r, 1_000));
    const all = await runs(a, rule.id);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ objectType: 'LEAD', objectId: mine.id, status: 'SUCCEEDED' });
    const [e] = nodes((await a.api.Enrollments({ sequenceId: createSequence.id })).enrollments);
    expect(e).toMatchObject({ leadId: mine.id, source: 'RULE', ruleId: rule.id });
    const notes = nodes((await a.api.Notifications({ first: 10 })).notifications);
    expect(notes.filter((n) => n.kind === 'AUTOMATION')).toHaveLength(1);
    expect(nodes((await b.api.Notifications({ first: 10 })).notifications)).toHaveLength(0);
    expect((await gqlError(b.api.AutomationRuns({ ruleId: rule.id }))).code).toBe('NOT_FOUND');
  });

  it('a rule that keeps failing is turned off and the admins are told', async () => {
    const t = await createTenant(server.url);
    const agent = await addMember(server.url, t, 'AGENT');
    const { createAutomationRule: rule } = await t.api.CreateAutomationRule({
      input: { name: 'Give to Sam', trigger: 'LEAD_CREATED', actions: [{ type: 'ASSIGN', userId: agent.userId }] },
    });
    await t.api.DeactivateUser({ userId: agent.userId, reassignTo: t.userId });
    for (let i = 0; i < 6; i++) await lead(t, `Fail${i}`);
    await waitFor(async () => !(await t.api.AutomationRule({ id: rule.id })).automationRule.enabled, 20_000);
    const failed = await runs(t, rule.id);
    expect(failed.filter((r) => r.status === 'FAILED')).toHaveLength(5);
    expect(failed[0]!.actions[0]).toMatchObject({ type: 'ASSIGN', outcome: 'FAILED' });
    const { automationRule } = await t.api.AutomationRule({ id: rule.id });
    expect(automationRule.disabledReason).toMatch(/Failed 5 times in a row/);
    const notes = nodes((await t.api.Notifications({ first: 10 })).notifications);
    expect(notes.filter((n) => n.kind === 'AUTOMATION_DISABLED').map((n) => n.title)).toEqual([
      'Automation rule "Give to Sam" was turned off',
    ]);
  });

  it('time-based triggers: a task that became overdue and a lead without activity for N days, each once', async () => {
    const t = await createTenant(server.url);
    const rule = (input: Parameters<Tenant['api']['CreateAutomationRule']>[0]['input']) =>
      t.api.CreateAutomationRule({ input }).then((r) => r.createAutomationRule);
    const overdue = await rule({
      name: 'Overdue',
      trigger: 'TASK_OVERDUE',
      actions: [{ type: 'NOTIFY', userIds: [t.userId], text: 'A task is overdue' }],
    });
    const stale = await rule({
      name: 'Stale',
      trigger: 'LEAD_INACTIVE',
      triggerConfig: { days: 30 },
      actions: [{ type: 'SET_STATUS', status: 'NURTURE' }],
    });
    const l = await lead(t, 'Quiet');
    await lead(t, 'Busy');
    const { createTask } = await t.api.CreateTask({
      input: { title: 'Call back', leadId: l.id, dueAt: new Date(Date.now() + 1_000).toISOString() },
    });
    await asTenant(server.config.databaseUrl, t, (db) =>
      db.query(`update leads set created_at = now() - interval '45 days' where id = $1`, [l.id]),
    );
    const [run] = await runsWhen(t, overdue.id, (r) => r.length === 1);
    expect(run).toMatchObject({ trigger: 'TASK_OVERDUE', objectType: 'TASK', objectId: createTask.id });
    const [quiet] = await runsWhen(t, stale.id, (r) => r.length === 1);
    expect(quiet).toMatchObject({ trigger: 'LEAD_INACTIVE', objectId: l.id, status: 'SUCCEEDED' });
    expect((await t.api.Lead({ id: l.id })).lead.status).toBe('NURTURE');
    await new Promise((r) => setTimeout(r, 2_500)); // further sweeps: each occurrence once
    expect(await runs(t, overdue.id)).toHaveLength(1);
    expect(await runs(t, stale.id)).toHaveLength(1);
  });

  it('bad rules are BAD_USER_INPUT naming the part, and nothing is saved', async () => {
    const t = await createTenant(server.url);
    const other = await createTenant(server.url);
    const tpl = await sequenceTemplates(t, { sms: ['Text'], email: [] });
    const { createSequence } = await t.api.CreateSequence({
      input: { name: 'Old', steps: [{ type: 'SMS', templateId: tpl['Text'] }] },
    });
    await t.api.ArchiveSequence({ id: createSequence.id });
    const base = { name: 'Bad', trigger: 'LEAD_CREATED' as const };
    const cases: [Parameters<Tenant['api']['CreateAutomationRule']>[0]['input'], string][] = [
      [{ ...base, actions: [] }, 'input.actions'],
      [{ ...base, actions: [{ type: 'ASSIGN', userId: other.userId }] }, 'input.actions[0].userId'],
      [{ ...base, actions: [{ type: 'SET_STATUS' }] }, 'input.actions[0].status'],
      [
        {
          ...base,
          actions: [
            { type: 'NOTIFY', text: 'x', userIds: [t.userId] },
            { type: 'ENROLL_IN_SEQUENCE', sequenceId: createSequence.id },
          ],
        },
        'input.actions[1].sequenceId',
      ],
      [
        {
          ...base,
          conditions: [{ field: 'SCORE', operator: 'AT_LEAST', values: ['high'] }],
          actions: [{ type: 'SET_STATUS', status: 'DEAD' }],
        },
        'input.conditions[0].number',
      ],
      [
        {
          ...base,
          conditions: [{ field: 'SOURCE', operator: 'EQUALS', values: ['BILLBOARD'] }],
          actions: [{ type: 'SET_STATUS', status: 'DEAD' }],
        },
        'input.conditions[0].values[0]',
      ],
      [
        {
          ...base,
          conditions: [{ field: 'STAGE', operator: 'EQUALS', values: ['NEW'] }],
          actions: [{ type: 'SET_STATUS', status: 'DEAD' }],
        },
        'input.conditions[0].field',
      ],
      [
        { ...base, trigger: 'LEAD_INACTIVE', actions: [{ type: 'SET_STATUS', status: 'DEAD' }] },
        'input.triggerConfig.days',
      ],
    ];
    for (const [input, field] of cases) {
      const err = await gqlError(t.api.CreateAutomationRule({ input }));
      expect([err.code, err.extensions?.field], field).toEqual(['BAD_USER_INPUT', field]);
    }
    const bad = await gqlError(
      t.api.CreateSequence({ input: { name: 'Wrong channel', steps: [{ type: 'EMAIL', templateId: tpl['Text'] }] } }),
    );
    expect([bad.code, bad.extensions?.field]).toEqual(['BAD_USER_INPUT', 'input.steps[0].templateId']);
    const wait = await gqlError(
      t.api.CreateSequence({
        input: {
          name: 'Long',
          steps: [
            { type: 'WAIT', waitAmount: 366, waitUnit: 'DAYS' },
            { type: 'SMS', templateId: tpl['Text'] },
          ],
        },
      }),
    );
    expect([wait.code, wait.extensions?.field]).toEqual(['BAD_USER_INPUT', 'input.steps[0].waitAmount']);
    const empty = await gqlError(t.api.CreateSequence({ input: { name: 'Empty', steps: [] } }));
    expect([empty.code, empty.extensions?.field]).toEqual(['BAD_USER_INPUT', 'input.steps']);
    expect((await t.api.AutomationRules()).automationRules).toHaveLength(0);
    expect((await t.api.Sequences({ includeArchived: true })).sequences).toHaveLength(1);
    const agentOnly = await addMember(server.url, t, 'AGENT');
    const forbidden = await gqlError(
      agentOnly.api.CreateAutomationRule({ input: { ...base, actions: [{ type: 'SET_STATUS', status: 'DEAD' }] } }),
    );
    expect(forbidden.code).toBe('FORBIDDEN');
  });
});
