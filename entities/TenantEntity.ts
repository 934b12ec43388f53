import { randomUUID } from 'node:crypto';
import { OptionalProps } from '@mikro-orm/core';
import { PrimaryKey, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { currentTenant } from '../src/platform/tenancy/tenant-context.js';

/**
 * Columns every tenant-owned row has. `organizationId` is what both the ORM `tenant` filter and
 * the Postgres RLS policies key on; it is never exposed as writable input.
 */
// Not referenced by any resolver, so type-graphql does not emit it; subclasses inherit its fields.
@ObjectType()
export abstract class TenantEntity<Optional extends string = never> {
  [OptionalProps]?: 'organizationId' | 'createdAt' | 'updatedAt' | Optional;

  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /**
   * A new row belongs to the organization of the tenant scope it is created in (entered by the
   * platform for each request, operation and job), never to one stamped by hand. Rows read from
   * the database are not constructed, so this runs for new rows only.
   */
  @Column({ type: 'uuid' })
  organizationId: string = currentTenant()!;

  @Field()
  @Column({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field()
  @Column({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
