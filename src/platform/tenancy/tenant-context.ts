import { AsyncLocalStorage } from 'node:async_hooks';
import { CompiledQuery, type DatabaseConnection } from 'kysely';

/** The Postgres setting the RLS policies read (see the core migration). */
export const TENANT_SETTING = 'app.organization_id';

const storage = new AsyncLocalStorage<string>();
/** The automation depth of the work in scope (the rule run that caused it, plus one); see runAtAutomationDepth. */
const depthStorage = new AsyncLocalStorage<number>();

/** The Postgres setting the automation triggers stamp on the events they append (see the automation migration). */
export const AUTOMATION_DEPTH_SETTING = 'reos.automation_depth';

/** The Postgres setting the audit trigger reads: who is changing rows, from where, by which mutation. */
export const AUDIT_SETTING = 'app.audit';

/** Who made a change, as the audit log records it. */
export interface AuditContext {
  userId?: string | null;
  apiKeyId?: string | null;
  ip?: string;
  userAgent?: string;
  requestId?: string;
  operation: string;
}
const auditStorage = new AsyncLocalStorage<string>();

/**
 * Runs `fn` (a GraphQL mutation) with `audit` on every connection it reserves: the rows it changes
 * in audited tables are appended to the audit log in the same transaction, with who, from where
 * and by which mutation. Work outside such a scope (jobs, imports, sends) is not logged.
 */
export function runAudited<T>(audit: AuditContext, fn: () => T): T {
  return auditStorage.run(JSON.stringify(audit), fn);
}

/**
 * Runs `fn` as the actions of an automation rule run at `depth`: every connection it reserves
 * carries the depth, so the events its changes cause are stamped with it, whatever service makes them.
 */
export function runAtAutomationDepth<T>(depth: number, fn: () => T): T {
  return depthStorage.run(depth, fn);
}

/**
 * Runs `fn` with `organizationId` as the tenant of every database connection it reserves, including
 * those reserved by promises it starts. Outside any such scope connections carry no tenant, and
 * row-level security shows them no tenant rows at all.
 */
export function runAsTenant<T>(organizationId: string, fn: () => T): T {
  return storage.run(organizationId, fn);
}

/**
 * An async iterable whose every step runs in `organizationId`'s tenant scope: a subscription's
 * events are pulled by graphql-ws outside the async context the operation started in, so each pull
 * (and the event's execution, which runs inside it) enters the scope again.
 */
export function scopedIterable<T>(organizationId: string, source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  const scoped: AsyncGenerator<T> = {
    next: (...args) => storage.run(organizationId, () => it.next(...args)),
    return: (value) => storage.run(organizationId, () => it.return?.(value) ?? Promise.resolve({ done: true, value })),
    throw: (err) => storage.run(organizationId, () => it.throw?.(err) ?? Promise.reject(err as Error)),
    [Symbol.asyncIterator]: () => scoped,
  } as AsyncGenerator<T>;
  return scoped;
}

export function currentTenant(): string | undefined {
  return storage.getStore();
}

let switches = 0;
/** How many times a connection had to be switched to another tenant (one `set_config` each). */
export function tenantSwitchCount(): number {
  return switches;
}

/** What each pooled connection last had `app.organization_id` set to. */
const applied = new WeakMap<DatabaseConnection, string>();

/**
 * Pool hook, run every time a connection is reserved: puts the current scope's organization
 * (or '' outside a scope) into the connection's session, skipping the statement when the
 * connection already holds that value. One `set_config` at most per reservation, instead of
 * wrapping every statement in its own transaction.
 */
export async function applyTenantOnReserve(connection: DatabaseConnection): Promise<void> {
  const org = storage.getStore() ?? '';
  const depth = depthStorage.getStore();
  const audit = auditStorage.getStore() ?? '';
  const wanted = depth || audit ? `${org}|${depth ?? ''}|${audit}` : org;
  if (applied.get(connection) === wanted) return;
  applied.delete(connection);
  switches++;
  await connection.executeQuery(
    CompiledQuery.raw(
      `select set_config('${TENANT_SETTING}', $1, false), set_config('${AUTOMATION_DEPTH_SETTING}', $2, false),
              set_config('${AUDIT_SETTING}', $3, false)`,
      [org, depth ? String(depth) : '', audit],
    ),
  );
  applied.set(connection, wanted);
}
