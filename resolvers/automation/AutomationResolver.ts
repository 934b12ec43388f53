import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
} from 'type-graphql';
import {
  AutomationAction,
  AutomationActionResult,
  AutomationCondition,
  AutomationTriggerConfig,
} from '../../entities/AutomationParts.js';
import { AutomationRule } from '../../entities/AutomationRule.js';
import { AutomationRun } from '../../entities/AutomationRun.js';
import { MANAGERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { Connection, PageArgs, pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { Parent } from '../common/Parent.js';
import { AutomationRuleInput } from './AutomationInput.js';

const AutomationRunConnection = Connection(AutomationRun, 'AutomationRun');

@ArgsType()
class AutomationRunsArgs extends PageArgs {
  @Field(() => ID) ruleId!: string;
}

@Resolver(() => AutomationRule)
export class AutomationResolver {
  @Authorized()
  @Query(() => [AutomationRule], { description: 'In the order they run (oldest first)' })
  automationRules(@Ctx() ctx: Context): Promise<AutomationRule[]> {
    return ctx.services.automation.list();
  }

  @Authorized()
  @Query(() => AutomationRule)
  automationRule(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<AutomationRule> {
    return ctx.services.automation.get(id);
  }

  @Authorized()
  @Query(() => AutomationRunConnection, { description: 'A rule’s runs, newest first' })
  async automationRuns(@Args() args: AutomationRunsArgs, @Ctx() ctx: Context): Promise<ConnectionShape<AutomationRun>> {
    return toConnection(await ctx.services.automation.runs(args.ruleId, pageRequest(args)));
  }

  @Authorized(MANAGERS)
  @Mutation(() => AutomationRule, { description: 'Checked whole; a bad part is BAD_USER_INPUT naming it' })
  createAutomationRule(@Arg('input') input: AutomationRuleInput, @Ctx() ctx: Context): Promise<AutomationRule> {
    return ctx.services.automation.create(input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => AutomationRule)
  updateAutomationRule(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: AutomationRuleInput,
    @Ctx() ctx: Context,
  ): Promise<AutomationRule> {
    return ctx.services.automation.update(id, input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => AutomationRule, { description: 'On again also clears the failure count' })
  setAutomationRuleEnabled(
    @Arg('id', () => ID) id: string,
    @Arg('enabled') enabled: boolean,
    @Ctx() ctx: Context,
  ): Promise<AutomationRule> {
    return ctx.services.automation.setEnabled(id, enabled);
  }

  @Authorized(MANAGERS)
  @Mutation(() => Boolean, { description: 'Deletes the rule and its runs' })
  deleteAutomationRule(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.automation.delete(id);
  }

  @FieldResolver(() => AutomationTriggerConfig)
  triggerConfig(@Parent() r: AutomationRule): AutomationTriggerConfig {
    return r.triggerConfig;
  }

  @FieldResolver(() => [AutomationCondition])
  conditions(@Parent() r: AutomationRule): AutomationCondition[] {
    return r.conditions;
  }

  @FieldResolver(() => [AutomationAction])
  actions(@Parent() r: AutomationRule): AutomationAction[] {
    return r.actions;
  }
}

@Resolver(() => AutomationRun)
export class AutomationRunResolver {
  @FieldResolver(() => [AutomationActionResult], { description: 'What each action did (DONE, SKIPPED, FAILED)' })
  actions(@Parent() r: AutomationRun): AutomationActionResult[] {
    return r.actions;
  }
}
