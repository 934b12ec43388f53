import type DataLoader from 'dataloader';
import { NotFoundError } from '../../src/platform/errors/index.js';

/**
 * A root query's one row by id, read through the request's loader: a snapshot (no hydration, no
 * identity map), batched with the request's other reads of that table. NOT_FOUND when the id is
 * malformed, missing or another organization's, which look the same from outside.
 */
export async function oneOrNotFound<T>(loader: DataLoader<string, T | null>, id: string, label: string): Promise<T> {
  const row = await loader.load(id.toLowerCase());
  if (!row) throw new NotFoundError(label, id);
  return row;
}
