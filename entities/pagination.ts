import type { FilterQuery } from '@mikro-orm/core';
import { EntityRepository } from '@mikro-orm/postgresql';
import { ValidationError } from '../src/errors/index.js';

export interface Page<T> {
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
 * Keyset pagination over one sort column with `id` as the tie-breaker, so cursors stay stable
 * while rows are inserted. Cursors are MikroORM's opaque encoding of the sort key values.
 */
export abstract class PagedRepository<T extends { id: string }> extends EntityRepository<T> {
  protected async findPage(where: FilterQuery<T>, order: Order<string>, page: PageRequest): Promise<Page<T>> {
    let cursor;
    try {
      cursor = await this.findByCursor({
        where,
        first: page.first,
        after: page.after ?? undefined,
        orderBy: { [order.column]: order.direction, id: 'asc' },
        includeCount: true,
      } as never);
    } catch (err) {
      if (page.after) throw new ValidationError('The `after` cursor is not valid for this list and ordering', 'after');
      throw err;
    }
    const items = [...cursor.items] as T[];
    return {
      items,
      cursors: items.map((item) => cursor.from(item as never)),
      totalCount: cursor.totalCount as number,
      startCursor: cursor.startCursor,
      endCursor: cursor.endCursor,
      hasNextPage: cursor.hasNextPage,
      hasPreviousPage: cursor.hasPrevPage,
    };
  }
}

/** Escapes LIKE wildcards so user search text matches literally. */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
