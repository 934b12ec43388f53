import { ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { isUuid, requireActor, type ServiceScope } from '../scope.js';

/** One change as the audit log holds it. */
export interface AuditEntryView {
  id: string;
  at: Date;
  actorUserId: string | null;
  apiKeyId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  operation: string;
  entity: string;
  entityId: string;
  action: 'CREATED' | 'UPDATED' | 'DELETED';
  changes: { field: string; before: unknown; after: unknown }[];
}

export interface AuditFilter {
  entity?: string | null;
  entityId?: string | null;
  actorUserId?: string | null;
  operation?: string | null;
  since?: Date | null;
  until?: Date | null;
}

interface Row {
  id: string;
  at: Date;
  actor_user_id: string | null;
  api_key_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  operation: string;
  entity: string;
  entity_id: string;
  action: AuditEntryView['action'];
  changes: Record<string, { before: unknown; after: unknown }>;
  total: string;
}

/**
 * Reads the audit log (written by the database, see the audit migration): newest first, a page at
 * a time, filtered by table, row, person, mutation or time. Cursors are entry ids.
 */
export class AuditService {
  constructor(private readonly scope: ServiceScope) {}

  async page(filter: AuditFilter, first: number, after?: string | null) {
    const actor = requireActor(this.scope);
    const where = ['organization_id = ?'];
    const params: unknown[] = [actor.organizationId];
    const add = (sql: string, value: unknown) => {
      where.push(sql);
      params.push(value);
    };
    if (filter.entity) add('entity = ?', v.requiredText(filter.entity, 'filter.entity', 100));
    if (filter.entityId) add('entity_id = ?', v.requiredText(filter.entityId, 'filter.entityId', 100));
    if (filter.operation) add('operation = ?', v.requiredText(filter.operation, 'filter.operation', 100));
    if (filter.actorUserId) {
      if (!isUuid(filter.actorUserId)) throw new ValidationError('Not a user id', 'filter.actorUserId');
      add('actor_user_id = ?', filter.actorUserId);
    }
    if (filter.since) add('at >= ?', filter.since);
    if (filter.until) add('at < ?', filter.until);
    const matching = where.join(' and ');
    const matchingParams = [...params];
    if (after) {
      if (!/^\d{1,19}$/.test(after)) throw new ValidationError('Not a cursor of this list', 'after');
      where.push('id < ?');
      params.push(after);
    }
    const rows = await this.scope.em.execute<Row[]>(
      `select *, (select count(*) from audit_log where ${matching}) as total
         from audit_log where ${where.join(' and ')} order by id desc limit ?`,
      [...matchingParams, ...params, first + 1],
    );
    const items = rows.slice(0, first).map(view);
    return {
      items,
      cursor: (i: number) => items[i]!.id,
      totalCount: Number(rows[0]?.total ?? 0),
      startCursor: items[0]?.id ?? null,
      endCursor: items.at(-1)?.id ?? null,
      hasNextPage: rows.length > first,
      hasPreviousPage: !!after,
    };
  }
}

function view(r: Row): AuditEntryView {
  return {
    id: String(r.id),
    at: new Date(r.at),
    actorUserId: r.actor_user_id,
    apiKeyId: r.api_key_id,
    ip: r.ip,
    userAgent: r.user_agent,
    requestId: r.request_id,
    operation: r.operation,
    entity: r.entity,
    entityId: r.entity_id,
    action: r.action,
    changes: Object.entries(r.changes)
      .map(([field, c]) => ({ field, before: c.before, after: c.after }))
      .sort((a, b) => a.field.localeCompare(b.field)),
  };
}
