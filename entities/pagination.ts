import type { FilterQuery } from '@mikro-orm/core';
import { EntityRepository } from '@mikro-orm/postgresql';
import { ValidationError } from '../src/platform/errors/index.js';
import { snapshotMapper } from './snapshot.js';
import { isUuid } from '../src/platform/validate.js';
import { readConnection } from '../src/platform/db/replicas.js';

export interface Page<T> {
  /** Read snapshots (plain objects with the entity's fields), not managed entities. */
  items: T[];
  /** One opaque cursor per item, for connection edges. */
  cursors: string[];
  totalCount: number;
  startCursor: string | null;
  endCursor: string | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export interface PageRequest {
  first: number;
  after?: string | null;
}

export interface Order<C extends string> {
  column: C;
  direction: 'asc' | 'desc';
}

/**
 * Keyset pagination over `(sort column NULLS LAST, id)`: stable while rows are inserted, and as
 * cheap on page 1,000 as on page 1. Rows come back as read snapshots; the page and the total count
 * run in parallel. Every query also names the organization explicitly (the ORM half of tenant
 * isolation; RLS is the other).
 */
export abstract class PagedRepository<T extends { id: string }> extends EntityRepository<T> {
  protected async findPage(
    where: FilterQuery<T>,
    order: Order<string>,
    page: PageRequest,
    organizationId: string,
  ): Promise<Page<T>> {
    const em = this.getEntityManager();
    const meta = em.getMetadata().find(this.entityName)!;
    const sort = meta.properties[order.column as keyof typeof meta.properties];
    if (!sort) throw new Error(`cannot order ${meta.className} by ${order.column}`);
    const sortCol = `e."${sort.fieldNames[0]}"`;
    const isDate = sort.runtimeType === 'Date';
    const scoped = { $and: [where, { organizationId }] } as FilterQuery<T>;
    // A GraphQL query's list may be read from a streaming replica (src/platform/db/replicas.ts).
    const connectionType = await readConnection(em);

    const qb = em
      .createQueryBuilder(this.entityName, 'e', connectionType)
      .select('*')
      .where(scoped as never);
    if (page.after) {
      const [value, id] = decodeCursor(page.after, isDate);
      const cmp = order.direction === 'asc' ? '>' : '<';
      if (value === null) qb.andWhere(`${sortCol} is null and e."id" > ?`, [id]);
      else
        qb.andWhere(`(${sortCol} ${cmp} ? or (${sortCol} = ? and e."id" > ?) or ${sortCol} is null)`, [
          value,
          value,
          id,
        ]);
    }
    qb.orderBy({ [order.column]: `${order.direction} nulls last`, id: 'asc' } as never).limit(page.first + 1);

    const [rows, totalCount] = await Promise.all([
      qb.execute<Record<string, unknown>[]>('all', true), // mapped to property names
      em.count(this.entityName, scoped, { connectionType }),
    ]);
    const items = snapshotMapper<T>(meta, em.getPlatform())(rows.slice(0, page.first));
    const cursors = items.map((item) => encodeCursor((item as Record<string, unknown>)[order.column], item.id));
    return {
      items,
      cursors,
      totalCount,
      startCursor: cursors[0] ?? null,
      endCursor: cursors.at(-1) ?? null,
      hasNextPage: rows.length > page.first,
      hasPreviousPage: Boolean(page.after),
    };
  }
}

function encodeCursor(value: unknown, id: string): string {
  const v = value instanceof Date ? value.toISOString() : (value ?? null);
  return Buffer.from(JSON.stringify([v, id])).toString('base64url');
}

function decodeCursor(cursor: string, isDate: boolean): [unknown, string] {
  const invalid = () => new ValidationError('The `after` cursor is not valid for this list and ordering', 'after');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string' || !isUuid(parsed[1]))
    throw invalid();
  const [value, id] = parsed as [unknown, string];
  if (value !== null && typeof value !== 'string' && typeof value !== 'number') throw invalid();
  if (isDate && value !== null) {
    const d = new Date(value as string);
    if (Number.isNaN(d.getTime())) throw invalid();
    return [d, id];
  }
  return [value, id];
}

/** Escapes LIKE wildcards so user search text matches literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
