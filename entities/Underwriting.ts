import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { JSONObjectResolver } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { UnderwritingKind } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

/**
 * One saved, immutable version of a deal's analysis: the inputs as given, the outputs the server
 * computed from them, who saved it and when. Versions count up per deal; nothing updates a row.
 */
@ObjectType({ description: 'A saved, immutable version of a deal’s analysis', simpleResolvers: true })
@Entity({ tableName: 'underwritings' })
export class Underwriting extends TenantEntity<'notes' | 'compIds' | 'memoContent'> {
  @Column({ type: 'uuid' })
  dealId!: string;

  @Field(() => Int, { description: '1 for the first version of this deal, then 2, 3…' })
  @Column({ type: 'integer' })
  version!: number;

  @Field(() => UnderwritingKind)
  @Enum({ items: () => UnderwritingKind, nativeEnumName: 'underwriting_kind' })
  kind!: UnderwritingKind;

  @Field(() => JSONObjectResolver, { description: 'The inputs exactly as saved' })
  @Column({ type: 'jsonb' })
  inputs!: Record<string, unknown>;

  @Field(() => JSONObjectResolver, { description: 'What the server computed from the inputs' })
  @Column({ type: 'jsonb' })
  outputs!: Record<string, unknown>;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  notes?: string;

  @Column({ type: 'uuid' })
  createdById!: string;

  @Field(() => [String], { description: 'The comparable sales this version used (pinned or selected)' })
  @Column({ type: 'jsonb' })
  compIds: string[] = [];

  /**
   * What a memo of this version prints, as it was when the version was saved (null for versions saved before
   * snapshots).
   */
  @Column({ type: 'jsonb', nullable: true })
  memoContent?: Record<string, unknown> | null;
}
