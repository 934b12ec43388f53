import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ImportIssueKind } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'A row of an import that was not stored: invalid, or a duplicate', simpleResolvers: true })
@Entity({ tableName: 'import_issues' })
export class ImportIssue extends TenantEntity<'values'> {
  @Column({ type: 'uuid' })
  importId!: string;

  @Field(() => Int, { description: 'Spreadsheet row number: the header is row 1, the first data row 2' })
  @Column({ type: 'integer' })
  rowNumber!: number;

  @Field(() => ImportIssueKind)
  @Enum({ items: () => ImportIssueKind, columnType: 'text' })
  kind!: ImportIssueKind;

  @Field({ nullable: true, description: 'The column at fault (its header)' })
  @Column({ type: 'text', nullable: true })
  field?: string;

  @Field()
  @Column({ type: 'text' })
  message!: string;

  @Field(() => ID, { nullable: true, description: 'DUPLICATE: the record already stored' })
  @Column({ type: 'uuid', nullable: true })
  existingId?: string;

  @Field(() => [String], { description: 'The row as it was in the file' })
  @Column({ type: 'jsonb', fieldName: 'values' })
  values: string[] = [];
}
