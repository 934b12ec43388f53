import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { ImportKind, ImportStatus } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

/**
 * One CSV import of leads or properties: the file (in object storage under the organization's
 * prefix), how its columns map to fields, and what came of each row. The `import` job
 * (workers/import-csv.ts) fills it in batch by batch; `rowsTotal` is the checkpoint a retried job
 * resumes from.
 */
@ObjectType({ description: 'A CSV import of leads or properties and what came of its rows', simpleResolvers: true })
@Entity({ tableName: 'imports' })
export class Import extends TenantEntity<
  | 'status'
  | 'mapping'
  | 'options'
  | 'columns'
  | 'unmappedColumns'
  | 'rowsTotal'
  | 'rowsImported'
  | 'rowsDuplicate'
  | 'rowsInvalid'
> {
  @Field(() => ImportKind)
  @Enum({ items: () => ImportKind, nativeEnumName: 'import_kind' })
  kind!: ImportKind;

  @Field(() => ImportStatus)
  @Enum({ items: () => ImportStatus, nativeEnumName: 'import_status' })
  status: ImportStatus = ImportStatus.QUEUED;

  @Field()
  @Column({ type: 'text' })
  fileName!: string;

  @Column({ type: 'text' })
  fileKey!: string;

  @Field(() => Int)
  @Column({ type: 'bigint', runtimeType: 'number' })
  fileBytes!: number;

  /** field → column header, as given or as found from the header row. */
  @Column({ type: 'jsonb' })
  mapping: Record<string, string> = {};

  /** Kind-specific options: default lead source, tags added to every property. */
  @Column({ type: 'jsonb' })
  options: { source?: string; tags?: string[] } = {};

  @Field(() => [String], { description: 'The header row' })
  @Column({ type: 'text[]' })
  columns: string[] = [];

  @Field(() => [String], { description: 'Header columns no field was mapped to (ignored)' })
  @Column({ type: 'text[]' })
  unmappedColumns: string[] = [];

  @Field(() => Int, { description: 'Data rows read so far' })
  @Column({ type: 'integer' })
  rowsTotal = 0;

  @Field(() => Int)
  @Column({ type: 'integer' })
  rowsImported = 0;

  @Field(() => Int)
  @Column({ type: 'integer' })
  rowsDuplicate = 0;

  @Field(() => Int)
  @Column({ type: 'integer' })
  rowsInvalid = 0;

  @Field({ nullable: true, description: 'FAILED: why the file could not be read on' })
  @Column({ type: 'text', nullable: true })
  error?: string;

  @Column({ type: 'text', nullable: true })
  errorReportKey?: string;

  @Column({ type: 'uuid', nullable: true })
  createdById?: string;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  startedAt?: Date;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt?: Date;
}
