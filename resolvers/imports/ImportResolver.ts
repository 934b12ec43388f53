import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from 'type-graphql';
import { ImportIssueKind, ImportKind, LeadSource } from '../../entities/enums.js';
import { Import } from '../../entities/Import.js';
import { ImportIssue } from '../../entities/ImportIssue.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { Parent } from '../common/Parent.js';

@ObjectType({ simpleResolvers: true, description: 'Where to PUT a CSV for importLeads/importProperties' })
export class UploadUrl {
  @Field(() => ID, { description: 'Pass it to importLeads/importProperties once the file is uploaded' })
  uploadId!: string;
  @Field({ description: 'A presigned URL: PUT the file body to it (Content-Type text/csv)' }) url!: string;
  @Field() expiresAt!: Date;
  @Field(() => Int, { description: 'Largest file an import takes, in bytes' }) maxBytes!: number;
}

@InputType()
export class ColumnMappingInput {
  @Field({ description: 'A header of the file' }) column!: string;
  @Field({
    description:
      'The field it fills (leads: firstName, lastName, fullName, email, phone, source, status, motivation, ' +
      ('addressLine, city, state, zip; properties: addressLine, city, state, zip, county, propertyType, ' +
        ('bedrooms, bathrooms, squareFeet, lotSizeSqft, yearBuilt, estimatedValue, lastSaleDate, ' +
          'lastSalePrice, ownerName, ownerMailingAddress, ownerOccupied, tags)')),
  })
  field!: string;
}

@InputType()
class ImportFileInput {
  @Field(() => ID, { nullable: true, description: 'From createUploadUrl, after the PUT' }) uploadId?: string;
  @Field({ nullable: true, description: 'The CSV itself, for files up to 512 KB' }) csv?: string;
  @Field({ nullable: true }) fileName?: string;
  @Field(() => [ColumnMappingInput], {
    nullable: true,
    description: 'Column → field, for headers the defaults do not recognize',
  })
  mapping?: ColumnMappingInput[];
}

@InputType()
export class ImportLeadsInput extends ImportFileInput {
  @Field(() => LeadSource, {
    nullable: true,
    description: 'Source of rows without a source column (default LIST_IMPORT)',
  })
  source?: LeadSource;
}

@InputType()
export class ImportPropertiesInput extends ImportFileInput {
  @Field(() => [String], { nullable: true, description: 'Tags added to every imported property (e.g. the list name)' })
  tags?: string[];
}

@Resolver(() => Import)
export class ImportResolver {
  @Authorized(WRITERS)
  @Mutation(() => UploadUrl, { description: 'A presigned URL (15 minutes) to upload a CSV for an import' })
  createUploadUrl(@Ctx() ctx: Context): Promise<UploadUrl> {
    return ctx.services.imports.createUploadUrl();
  }

  @Authorized(WRITERS)
  @Mutation(() => Import, {
    description:
      'Imports leads from a CSV in the background (import queue): validates each row, skips duplicates by ' +
      'phone/email, links leads to properties at the same address. Follow it with jobProgress(import.jobId).',
  })
  importLeads(@Arg('input') input: ImportLeadsInput, @Ctx() ctx: Context): Promise<Import> {
    return ctx.services.imports.start(ImportKind.LEADS, input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Import, {
    description:
      'Imports properties from a CSV in the background: validates each row, skips duplicates by normalized ' +
      'address, geocodes what is new. Follow it with jobProgress(import.jobId).',
  })
  importProperties(@Arg('input') input: ImportPropertiesInput, @Ctx() ctx: Context): Promise<Import> {
    return ctx.services.imports.start(ImportKind.PROPERTIES, input);
  }

  @Authorized()
  @Query(() => Import)
  import(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Import> {
    return ctx.services.imports.get(id);
  }

  @Authorized()
  @Query(() => [Import], { description: 'Newest first' })
  imports(
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: '1–100, default 20' }) first?: number,
  ): Promise<Import[]> {
    return ctx.services.imports.list(first);
  }

  @FieldResolver(() => ID, { description: 'The import job: job(id) and jobProgress(id)' })
  jobId(@Parent() imp: Import): string {
    return `import-${imp.id}`;
  }

  @FieldResolver(() => [ImportIssue], { description: 'Rows not stored (invalid or duplicate), in file order' })
  issues(
    @Parent() imp: Import,
    @Ctx() ctx: Context,
    @Arg('kind', () => ImportIssueKind, { nullable: true }) kind?: ImportIssueKind,
    @Arg('first', () => Int, { nullable: true, description: '1–1000, default 100' }) first?: number,
    @Arg('afterRow', () => Int, { nullable: true, description: 'Rows after this row number (paging)' })
    afterRow?: number,
  ): Promise<ImportIssue[]> {
    return ctx.services.imports.issues(imp, { kind, first, afterRow });
  }

  @FieldResolver(() => String, {
    nullable: true,
    description:
      'Short-lived link to a CSV of the rows not stored, with the reason beside each (after the import finished)',
  })
  errorReportUrl(@Parent() imp: Import, @Ctx() ctx: Context): Promise<string | null> {
    return ctx.services.imports.reportUrl(imp);
  }
}
