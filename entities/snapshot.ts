import { DecimalType, type EntityMetadata, type Platform } from '@mikro-orm/core';

/**
 * Turns raw rows (keyed by property name) into read snapshots with the entity's JS types:
 * decimals in number mode become numbers and timestamps become Dates. Used by every read path
 * that skips hydration (list pages, DataLoaders); snapshots are never handed back to the ORM.
 */
export function snapshotMapper<T>(meta: EntityMetadata, platform: Platform): (rows: Record<string, unknown>[]) => T[] {
  const props = Object.values(meta.properties);
  const decimals = props
    .filter((p) => p.customType instanceof DecimalType && (p.customType as DecimalType<'number'>).mode === 'number')
    .map((p) => p.name as string);
  const dates = props.filter((p) => p.runtimeType === 'Date').map((p) => p.name as string);
  return (rows) => {
    for (const row of rows) {
      for (const d of decimals) if (row[d] != null) row[d] = Number(row[d]);
      for (const d of dates) if (typeof row[d] === 'string') row[d] = platform.parseDate(row[d] as string);
    }
    return rows as unknown as T[];
  };
}

/** The persisted, single-column properties of an entity, for building SELECT lists. */
export function columnsOf(meta: EntityMetadata): { name: string; column: string }[] {
  return Object.values(meta.properties)
    .filter((p) => p.persist !== false && p.fieldNames?.length === 1)
    .map((p) => ({ name: p.name as string, column: p.fieldNames[0]! }));
}

/**
 * `"column" as "property", …` for every persisted column (or only the named properties): a SELECT
 * or RETURNING list that reads a snapshot. `label` prefixes each output name (`"j0.property"`), for
 * a joined entity's columns beside another's.
 */
export function selectList(meta: EntityMetadata, table?: string, props?: readonly string[] | null, label = ''): string {
  const prefix = table ? `${table}.` : '';
  const only = props ? new Set(props) : null;
  return columnsOf(meta)
    .filter((c) => !only || only.has(c.name))
    .map((c) => `${prefix}"${c.column}" as "${label}${c.name}"`)
    .join(', ');
}
