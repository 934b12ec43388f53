import { randomUUID } from 'node:crypto';
import { AutomationRule, User } from '../../../entities/index.js';
import type { AutomationActionResult } from '../../../entities/AutomationParts.js';
import { AutomationRunStatus, NotificationKind, Role } from '../../../entities/enums.js';
import { runAtAutomationDepth } from '../../platform/tenancy/tenant-context.js';
import { NotificationService } from '../notifications/NotificationService.js';
import type { ServiceScope } from '../scope.js';
import { runAction } from './actions.js';
import { conditionsMatch, triggerMatches, type Subject } from './conditions.js';
import { loadPendingEvents, markProcessed, objectOf } from './event-store.js';

/** A chain of rules stops here: events caused at this depth run no rules (the skip is recorded). */
export const MAX_DEPTH = 3;
/** A rule runs at most this often for one object per hour (the rest are recorded as RATE_LIMITED). */
export const MAX_RUNS_PER_OBJECT_PER_HOUR = 10;
/** Runs failed in a row that disable a rule. */
export const FAILURES_TO_DISABLE = 5;
const BATCH = 500;
const LEASE_MS = 60_000;

/**
 * The `automation-run` job (workers/automation-run.ts): an organization's waiting events in order,
 * each against the organization's enabled rules in the order they were made. One engine per
 * organization at a time (a lease; a second job finds it held and comes back). For each rule whose
 * trigger options and conditions match, the run is recorded RUNNING first — the claim that makes it
 * act at most once per event, across retries, duplicate jobs and a crash — then its actions run at
 * the event's depth + 1 (so the events they cause carry it), then the run is recorded with what
 * each action did. Events are marked processed a batch at a time; a crash repeats the evaluation,
 * never a run.
 */
export class AutomationEngine {
  private readonly holder = randomUUID();

  constructor(private readonly scope: ServiceScope) {}

  async process(): Promise<{ events: number; runs: number; leased: boolean }> {
    const organizationId = this.organizationId();
    if (!(await this.lease(organizationId))) return { events: 0, runs: 0, leased: false };
    let events = 0;
    let runs = 0;
    try {
      for (;;) {
        const batch = await loadPendingEvents(this.scope.em, organizationId, BATCH);
        if (!batch.length) break;
        const rules = await this.scope.em.find(
          AutomationRule,
          { enabled: true },
          { orderBy: { createdAt: 'asc', id: 'asc' }, disableIdentityMap: true },
        );
        for (const subject of batch) runs += await this.handle(subject, rules);
        await markProcessed(
          this.scope.em,
          organizationId,
          batch.map((e) => e.eventId),
        );
        events += batch.length;
        await this.lease(organizationId);
      }
    } finally {
      await this.release(organizationId);
    }
    return { events, runs, leased: true };
  }

  private organizationId(): string {
    return this.scope.em.getFilterParams<{ organizationId: string }>('tenant').organizationId;
  }

  private async handle(subject: Subject, rules: AutomationRule[]): Promise<number> {
    let runs = 0;
    for (const rule of rules) {
      if (!rule.enabled || rule.trigger !== subject.trigger) continue;
      if (!triggerMatches(rule.triggerConfig, subject) || !conditionsMatch(rule.conditions, subject)) continue;
      runs++;
      await this.run(rule, subject);
    }
    return runs;
  }

  private async run(rule: AutomationRule, subject: Subject): Promise<void> {
    const object = objectOf(subject);
    // The claim, with the depth and rate limits decided in the same statement: one run per (rule, event).
    const [claimed] = await this.scope.em.execute<{ id: string; status: AutomationRunStatus }[]>(
      `insert into automation_runs (id, organization_id, rule_id, event_id, trigger, object_type, object_id, depth,
                                    status, skipped_reason)
       select ?, ?, ?, ?, ?, ?, ?::uuid, ?,
              case when lim.reason is null then 'RUNNING' else 'SKIPPED' end::automation_run_status, lim.reason
         from (select case when ?::int >= ? then 'DEPTH_LIMIT'
                           when ?::uuid is not null and (select count(*) from automation_runs r
                                   where r.rule_id = ? and r.object_id = ?::uuid and r.status <> 'SKIPPED'
                                     and r.created_at > now() - interval '1 hour') >= ? then 'RATE_LIMITED'
                      end as reason) lim
       on conflict (rule_id, event_id) do nothing returning id, status`,
      [
        randomUUID(),
        rule.organizationId,
        rule.id,
        subject.eventId,
        subject.trigger,
        object.type,
        object.id,
        subject.depth,
        subject.depth,
        MAX_DEPTH,
        object.id,
        rule.id,
        object.id,
        MAX_RUNS_PER_OBJECT_PER_HOUR,
      ],
    );
    if (!claimed) return this.interrupted(rule.id, subject.eventId);
    if (claimed.status === AutomationRunStatus.SKIPPED) return;
    const scope = { ...this.scope, actor: await this.author(rule) };
    const results: AutomationActionResult[] = [];
    await runAtAutomationDepth(subject.depth + 1, async () => {
      for (const [i, action] of rule.actions.entries()) results.push(await runAction(scope, rule, subject, action, i));
    });
    await this.record(rule, claimed.id, results);
  }

  /** Actions act as the rule's author (or, when the author is gone, the organization's owner). */
  private readonly authors = new Map<string, string>();

  private async author(rule: AutomationRule) {
    const known = this.authors.get(rule.id);
    if (known) return { id: known, organizationId: rule.organizationId, role: Role.ADMIN };
    const id =
      rule.createdById ??
      (await this.scope.em.findOneOrFail(User, { role: Role.OWNER }, { orderBy: { createdAt: 'asc' } })).id;
    this.authors.set(rule.id, id);
    return { id, organizationId: rule.organizationId, role: Role.ADMIN };
  }

  /** A run found RUNNING when its event comes round again was cut off by a crash: recorded, never repeated. */
  private async interrupted(ruleId: string, eventId: string): Promise<void> {
    await this.scope.em.execute(
      `update automation_runs set status = 'FAILED', error = 'Interrupted (the worker stopped during the run); ' ||
              'not repeated, so no action runs twice', updated_at = now()
        where rule_id = ? and event_id = ? and status = 'RUNNING'`,
      [ruleId, eventId],
    );
  }

  private async record(rule: AutomationRule, runId: string, results: AutomationActionResult[]): Promise<void> {
    const failed = results.filter((r) => r.outcome === 'FAILED');
    const done = results.filter((r) => r.outcome === 'DONE');
    const status = !failed.length
      ? AutomationRunStatus.SUCCEEDED
      : done.length
        ? AutomationRunStatus.PARTIAL
        : AutomationRunStatus.FAILED;
    const error = failed.map((f) => `action ${f.index} (${f.type}): ${f.detail}`).join('; ') || null;
    const failures = status === AutomationRunStatus.FAILED ? rule.consecutiveFailures + 1 : 0;
    const disable = failures >= FAILURES_TO_DISABLE;
    // Admins are told before the rule reads as off, so whoever sees it off finds the notification too;
    // the key is the run's, so a retried job tells them once.
    if (disable) await this.tellAdmins(rule, runId, error ?? '');
    await this.scope.em.execute(
      `with run as (update automation_runs set status = ?, actions = ?::jsonb, error = ?, updated_at = now()
                     where id = ?)
       update automation_rules set consecutive_failures = ?, last_run_at = now(), updated_at = now(),
              enabled = case when ? then false else enabled end,
              disabled_reason = case when ? then ? else disabled_reason end
        where id = ?`,
      [
        status,
        JSON.stringify(results),
        error?.slice(0, 2_000) ?? null,
        runId,
        failures,
        disable,
        disable,
        `Failed ${failures} times in a row; last: ${error ?? ''}`.slice(0, 500),
        rule.id,
      ],
    );
    rule.consecutiveFailures = failures;
    if (disable) rule.enabled = false;
  }

  private async tellAdmins(rule: AutomationRule, runId: string, error: string): Promise<void> {
    await new NotificationService(this.scope).notifyAdmins({
      kind: NotificationKind.AUTOMATION_DISABLED,
      title: `Automation rule "${rule.name}" was turned off`,
      body: `It failed ${FAILURES_TO_DISABLE} times in a row. Last error: ${error}`.slice(0, 2_000),
      dedupeKey: `automation-disabled:${runId}`,
    });
  }

  private async lease(organizationId: string): Promise<boolean> {
    const rows = await this.scope.em.execute<{ holder: string }[]>(
      `insert into automation_leases (organization_id, holder, locked_until)
       values (?, ?, now() + ?::interval)
       on conflict (organization_id) do update set holder = excluded.holder, locked_until = excluded.locked_until
        where automation_leases.locked_until < now() or automation_leases.holder = excluded.holder
       returning holder`,
      [organizationId, this.holder, `${LEASE_MS} milliseconds`],
    );
    return rows.length === 1;
  }

  private async release(organizationId: string): Promise<void> {
    await this.scope.em.execute(
      `update automation_leases set locked_until = now() - interval '1 second'
        where organization_id = ? and holder = ?`,
      [organizationId, this.holder],
    );
  }
}
