import type { FilterQuery } from '@mikro-orm/core';
import { EntityRepository } from '@mikro-orm/postgresql';
import { ValidationError } from '../src/platform/errors/index.js';
import { snapshotMapper } from './snapshot.js';
import { readCompiledPage, readPageWithQueryBuilder, TOTAL } from './page-statement.js';
import { isUuid } from '../src/platform/validate.js';
import { readConnection } from '../src/platform/db/replicas.js';
import type { GraphQLResolveInfo } from 'graphql';
import { persistedProps, selectedProps } from '../src/platform/loaders/selection.js';

export interface Page<T> {
  /** Read snapshots (plain objects with the entity's fields), not managed entities. */
  items: T[];
  /**
   * The opaque cursor of item `i`, for its connection edge: made when a client reads it (most
   * lists select no edge cursors).
   */
  cursor(i: number): string;
  /** -1 when the request's selection did not ask for it (PageRequest.select.counted). */
  totalCount: number;
  startCursor: string | null;
  endCursor: string | null;
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export interface PageRequest {
  first: number;
  after?: string | null;
  /**
   * The GraphQL selection of the page's nodes (the list field's info and the path to its nodes):
   * only the columns it reads are selected (src/platform/loaders/selection.ts), and the total is
   * counted only when `counted`. Without it, all columns and the count.
   */
  select?: { info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>; path: readonly string[]; counted: boolean };
}

export interface Order<C extends string> {
  column: C;
  direction: 'asc' | 'desc';
}

/**
 * Keyset pagination over `(sort column NULLS LAST, id)`: stable while rows are inserted, and as
 * cheap on page 1,000 as on page 1. Rows come back as read snapshots; the page and the total count
 * are one statement. Every query also names the organization explicitly (the ORM half of tenant
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
    const scoped = { $and: [where, { organizationId }] } as FilterQuery<T>;
    // A GraphQL query's list may be read from a streaming replica (src/platform/db/replicas.ts).
    const connectionType = await readConnection(em);

    const props =
      page.select && selectedProps(page.select.info, meta.class, persistedProps(em, meta.class), page.select.path);
    const select = props ? [...new Set([...props, 'id', order.column])] : null;
    // The total count rides along in the page's statement (one round trip, one connection), and is
    // not computed at all when the selection does not ask for it.
    const counted = page.select?.counted ?? true;
    const isDate = sort.runtimeType === 'Date';
    const after = page.after ? decodeCursor(page.after, isDate) : undefined;
    const query = {
      where: scoped as FilterQuery<object>,
      sortProp: order.column,
      sortColumn: sort.fieldNames[0]!,
      direction: order.direction,
      props: select,
      counted,
      after,
      limit: page.first + 1,
    };
    // Mapped to property names; a filter shape that is not compiled is built with a QueryBuilder.
    const rows =
      (await readCompiledPage(em, meta, query, connectionType)) ??
      (await readPageWithQueryBuilder(em, meta, query, connectionType));
    let totalCount = -1;
    if (counted) {
      if (rows.length) totalCount = Number(rows[0]![TOTAL]);
      // An empty page after a cursor says nothing about the rows before it.
      else totalCount = page.after ? await em.count(this.entityName, scoped, { connectionType }) : 0;
      for (const row of rows) delete row[TOTAL];
    }
    const items = snapshotMapper<T>(meta, em.getPlatform())(rows.slice(0, page.first));
    const cursor = (i: number) => encodeCursor((items[i] as Record<string, unknown>)[order.column], items[i]!.id);
    return {
      items,
      cursor,
      totalCount,
      startCursor: items.length ? cursor(0) : null,
      endCursor: items.length ? cursor(items.length - 1) : null,
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
