import type { EntityManager } from '@mikro-orm/postgresql';
import { Lead, Organization, Task } from '../../../entities/index.js';
import { columnsOf, snapshotMapper } from '../../../entities/snapshot.js';
import * as v from '../../platform/validate.js';
import { requireActor, type ServiceScope } from '../scope.js';
import { addDays, localDay, startOfDay } from './calendar.js';

export interface MyDay {
  /** Today in the organization's time zone, `YYYY-MM-DD`. */
  date: string;
  timeZone: string;
  staleLeadDays: number;
  overdueTasks: Task[];
  todayTasks: Task[];
  newLeads: Lead[];
  awaitingReply: Lead[];
  staleLeads: Lead[];
  counts: { overdueTasks: number; todayTasks: number; newLeads: number; awaitingReply: number; staleLeads: number };
}

/** Counts stop here: "1,000" reads "1,000 or more", and counting never costs more than that. */
export const COUNT_CAP = 1_000;

/** Statuses a stale lead can have: still being worked (not DEAD). */
const WORKED = `('NEW', 'CONTACTED', 'QUALIFIED', 'NURTURE')`;

/**
 * "Who do I call today": the caller's open tasks that are overdue or due today, their leads not yet
 * contacted, the leads whose reply waits for an answer, and those with no activity for the
 * organization's `staleLeadDays`. Each list is ranked (tasks by due time, then the lead's score;
 * new leads oldest first; replies oldest first; stale leads by score) and capped at `limit`; the
 * counts are the full numbers up to COUNT_CAP. Every statement reads through an index made for it (see the
 * daily-loop migration), so the cost follows the agent's own list, not the organization's size.
 */
export class MyDayService {
  constructor(private readonly scope: ServiceScope) {}

  async get(limitInput?: number | null): Promise<MyDay> {
    const actor = requireActor(this.scope);
    const limit = v.intRange(limitInput ?? 25, 'limit', 1, 200)!;
    const { em } = this.scope;
    const org = await em.findOneOrFail(
      Organization,
      { id: actor.organizationId },
      { fields: ['timeZone', 'staleLeadDays'] as never, disableIdentityMap: true },
    );
    const now = new Date();
    const today = localDay(now, org.timeZone);
    const todayStart = startOfDay(today, org.timeZone);
    const tomorrowStart = startOfDay(addDays(today, 1), org.timeZone);
    const staleBefore = new Date(now.getTime() - org.staleLeadDays * 86_400_000);
    const q = new MyDayQueries(em, actor.organizationId, actor.id, limit);
    const [overdue, dueToday, fresh, replies, stale] = await Promise.all([
      q.tasks(`(t.all_day and t.due_at < ?) or (not t.all_day and t.due_at < ?)`, [todayStart, now]),
      q.tasks(`t.due_at < ? and ((t.all_day and t.due_at >= ?) or (not t.all_day and t.due_at >= ?))`, [
        tomorrowStart,
        todayStart,
        now,
      ]),
      q.leads(`l.status = 'NEW' and l.last_contacted_at is null`, [], 'l.created_at asc, l.id'),
      q.leads('l.awaiting_reply', [], 'l.last_inbound_at asc, l.id'),
      q.leads(
        `l.status in ${WORKED} and not l.awaiting_reply and coalesce(l.last_activity_at, l.created_at) < ?`,
        [staleBefore],
        'l.score desc nulls last, l.id', // leads_assignee_score_idx order: the walk stops at `limit`
      ),
    ]);
    return {
      date: today,
      timeZone: org.timeZone,
      staleLeadDays: org.staleLeadDays,
      overdueTasks: overdue.rows,
      todayTasks: dueToday.rows,
      newLeads: fresh.rows,
      awaitingReply: replies.rows,
      staleLeads: stale.rows,
      counts: {
        overdueTasks: overdue.total,
        todayTasks: dueToday.total,
        newLeads: fresh.total,
        awaitingReply: replies.total,
        staleLeads: stale.total,
      },
    };
  }
}

/** The five lists' statements, each a page and its count. */
class MyDayQueries {
  private readonly taskColumns: string;
  private readonly leadColumns: string;
  private readonly toTasks: (rows: Record<string, unknown>[]) => Task[];
  private readonly toLeads: (rows: Record<string, unknown>[]) => Lead[];

  constructor(
    private readonly em: EntityManager,
    private readonly organizationId: string,
    private readonly userId: string,
    private readonly limit: number,
  ) {
    const metadata = em.getMetadata();
    const select = (alias: string, entity: typeof Task | typeof Lead) =>
      columnsOf(metadata.find(entity as typeof Task)!)
        .map((c) => `${alias}."${c.column}" as "${c.name}"`)
        .join(', ');
    this.taskColumns = select('t', Task);
    this.leadColumns = select('l', Lead);
    this.toTasks = snapshotMapper<Task>(metadata.find(Task)!, em.getPlatform());
    this.toLeads = snapshotMapper<Lead>(metadata.find(Lead)!, em.getPlatform());
  }

  /** The caller's open tasks matching `where`, by due time, then the lead's score. */
  async tasks(where: string, params: unknown[]): Promise<{ rows: Task[]; total: number }> {
    const scope = `t.organization_id = ? and t.assignee_id = ? and t.status = 'OPEN' and (${where})`;
    const base = [this.organizationId, this.userId, ...params];
    const [rows, count] = await Promise.all([
      this.em.execute<Record<string, unknown>[]>(
        `select ${this.taskColumns} from tasks t left join leads l on l.id = t.lead_id
          where ${scope} order by t.due_at asc, l.score desc nulls last, t.id limit ?`,
        [...base, this.limit],
      ),
      this.em.execute<{ n: string }[]>(
        `select count(*) as n from (select 1 from tasks t where ${scope} limit ${COUNT_CAP}) x`,
        base,
      ),
    ]);
    return { rows: this.toTasks(rows), total: Number(count[0]!.n) };
  }

  /** The caller's leads matching `where`, in `order`. */
  async leads(where: string, params: unknown[], order: string): Promise<{ rows: Lead[]; total: number }> {
    const scope = `l.organization_id = ? and l.assigned_user_id = ? and (${where})`;
    const base = [this.organizationId, this.userId, ...params];
    const [rows, count] = await Promise.all([
      this.em.execute<Record<string, unknown>[]>(
        `select ${this.leadColumns} from leads l where ${scope} order by ${order} limit ?`,
        [...base, this.limit],
      ),
      this.em.execute<{ n: string }[]>(
        `select count(*) as n from (select 1 from leads l where ${scope} limit ${COUNT_CAP}) x`,
        base,
      ),
    ]);
    return { rows: this.toLeads(rows), total: Number(count[0]!.n) };
  }
}
