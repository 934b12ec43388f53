import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { IntakeForm } from '../../entities/IntakeForm.js';
import { MANAGERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import type { IntakeField } from '../../src/domains/intake/fields.js';
import { Parent } from '../common/Parent.js';
import { IntakeFieldMap, IntakeFormInput } from './IntegrationInputs.js';

/** Public lead-intake forms (OWNER/ADMIN). Submissions go to POST /intake/<formKey>; docs/integrations.md. */
@Resolver(() => IntakeForm)
export class IntakeResolver {
  @Authorized(MANAGERS)
  @Query(() => [IntakeForm])
  intakeForms(@Ctx() ctx: Context): Promise<IntakeForm[]> {
    return ctx.services.intake.list();
  }

  @Authorized(MANAGERS)
  @Mutation(() => IntakeForm)
  createIntakeForm(@Arg('input') input: IntakeFormInput, @Ctx() ctx: Context): Promise<IntakeForm> {
    return ctx.services.intake.create(input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => IntakeForm)
  updateIntakeForm(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: IntakeFormInput,
    @Ctx() ctx: Context,
  ): Promise<IntakeForm> {
    return ctx.services.intake.update(id, input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => Boolean)
  deleteIntakeForm(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.intake.delete(id);
  }

  @FieldResolver(() => String, { description: 'Where the form posts: PUBLIC_URL/intake/<formKey>' })
  url(@Parent() f: IntakeForm, @Ctx() ctx: Context): string {
    return `${ctx.deps.config.publicUrl.replace(/\/$/, '')}/intake/${f.formKey}`;
  }

  @FieldResolver(() => [IntakeFieldMap])
  fieldMapping(@Parent() f: IntakeForm): IntakeFieldMap[] {
    return Object.entries(f.fieldMapping).map(([field, to]) => ({ field, to: to as IntakeField }));
  }
}
