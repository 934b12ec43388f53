import type { EntityManager } from '@mikro-orm/postgresql';
import type { AutomationTrigger } from '../../../entities/enums.js';
import type { Subject } from './conditions.js';

/**
 * An organization's waiting automation events, oldest first, each with what rules test: its lead
 * (source, status, assignee, score), the lead's property (tags, state, ZIP) and the deal's stage —
 * one statement per batch, so evaluating many rules costs no query per rule.
 */
export async function loadPendingEvents(em: EntityManager, organizationId: string, limit: number): Promise<Subject[]> {
  const rows = await em.execute<Record<string, unknown>[]>(
    `select e.id::text as event_id, e.trigger, e.depth, e.data, e.lead_id, e.deal_id, e.task_id, e.import_id,
            l.source, l.status, l.assigned_user_id, l.score, l.property_id, p.tags, p.state, p.zip, d.stage
       from automation_events e
       left join leads l on l.id = e.lead_id
       left join properties p on p.id = l.property_id
       left join deals d on d.id = e.deal_id
      where e.organization_id = ? and e.processed_at is null
      order by e.id limit ?`,
    [organizationId, limit],
  );
  return rows.map((r) => ({
    eventId: r.event_id as string,
    trigger: r.trigger as AutomationTrigger,
    depth: r.depth as number,
    data: (r.data as Record<string, unknown>) ?? {},
    leadId: (r.lead_id as string | null) ?? null,
    dealId: (r.deal_id as string | null) ?? null,
    taskId: (r.task_id as string | null) ?? null,
    importId: (r.import_id as string | null) ?? null,
    source: (r.source as string | null) ?? null,
    status: (r.status as string | null) ?? null,
    assignedUserId: (r.assigned_user_id as string | null) ?? null,
    score: r.score == null ? null : Number(r.score),
    propertyId: (r.property_id as string | null) ?? null,
    tags: (r.tags as string[] | null) ?? [],
    state: (r.state as string | null) ?? null,
    zip: (r.zip as string | null) ?? null,
    stage: (r.stage as string | null) ?? null,
  }));
}

export async function markProcessed(em: EntityManager, organizationId: string, eventIds: string[]): Promise<void> {
  await em.execute(
    `update automation_events set processed_at = now()
      where organization_id = ? and id = any(array(select jsonb_array_elements_text(?::jsonb)::bigint))`,
    [organizationId, JSON.stringify(eventIds)],
  );
}

/** What a run is about: the deal for deal events, the task, the import, else the lead. */
export function objectOf(s: Subject): { type: string; id: string | null } {
  if (s.dealId) return { type: 'DEAL', id: s.dealId };
  if (s.taskId) return { type: 'TASK', id: s.taskId };
  if (s.importId) return { type: 'IMPORT', id: s.importId };
  return { type: 'LEAD', id: s.leadId };
}
