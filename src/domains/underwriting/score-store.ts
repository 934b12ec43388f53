import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '../../platform/db/pg-array.js';
import { scoreProperty } from './score.js';

interface FactRow {
  id: string;
  estimated_value: string | null;
  last_sale_price: string | null;
  last_sale_date: string | null;
  owner_occupied: boolean | null;
  year_built: number | null;
  tags: string[];
  inbound: string;
}

/**
 * The stored score, so lists can sort and filter by it (the `score` field itself is always computed
 * live, with its contributions). Recomputes it for these properties from their facts and the inbound
 * engagement on their leads' timelines, and copies it onto their leads. Called after a change to
 * either: property create/update, enrichment, an inbound message. Imports compute it as they insert.
 * Returns the new score per property id.
 */
export async function refreshScores(em: EntityManager, propertyIds: string[]): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  const ids = [...new Set(propertyIds)];
  for (let i = 0; i < ids.length; i += 2_000) {
    const chunk = ids.slice(i, i + 2_000);
    const rows = await em.execute<FactRow[]>(
      `select p.id, p.estimated_value, p.last_sale_price, to_char(p.last_sale_date, 'YYYY-MM-DD') as last_sale_date,
              p.owner_occupied, p.year_built, p.tags,
              (select count(*) from leads l
                 join activities a on a.organization_id = l.organization_id and a.lead_id = l.id
                where l.organization_id = p.organization_id and l.property_id = p.id
                  and a.direction = 'INBOUND') as inbound
         from properties p where p.id = any(?::uuid[])`,
      [pgArray(chunk)],
    );
    const values = rows.map((r) => {
      const value = scoreProperty({
        estimatedValue: r.estimated_value == null ? null : Number(r.estimated_value),
        lastSalePrice: r.last_sale_price == null ? null : Number(r.last_sale_price),
        lastSaleDate: r.last_sale_date,
        ownerOccupied: r.owner_occupied,
        yearBuilt: r.year_built,
        tags: r.tags,
        inboundEngagements: Number(r.inbound),
      }).value;
      scores.set(r.id, value);
      return value;
    });
    if (!rows.length) continue;
    await em.execute(
      `with v as (select unnest(?::uuid[]) as id, unnest(?::float8[]) as score),
            p as (update properties set score = v.score from v where properties.id = v.id
                  returning properties.id, properties.organization_id, properties.score)
       update leads set score = p.score from p
        where leads.organization_id = p.organization_id and leads.property_id = p.id
          and leads.score is distinct from p.score`,
      [pgArray(rows.map((r) => r.id)), pgArray(values)],
    );
  }
  return scores;
}

/** Scores properties left without one (rows from before the score was stored), a batch at a time. */
export async function scoreUnscored(em: EntityManager, batch = 2_000): Promise<number> {
  let total = 0;
  for (;;) {
    const rows = await em.execute<{ id: string }[]>('select id from properties where score is null limit ?', [batch]);
    if (!rows.length) return total;
    await refreshScores(
      em,
      rows.map((r) => r.id),
    );
    total += rows.length;
  }
}
