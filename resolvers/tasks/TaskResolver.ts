import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Deal } from '../../entities/Deal.js';
import { Lead } from '../../entities/Lead.js';
import { Property } from '../../entities/Property.js';
import { Task } from '../../entities/Task.js';
import { User } from '../../entities/User.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { Parent } from '../common/Parent.js';
import { TaskConnection, taskOrder, TasksArgs } from './TaskArgs.js';
import { CompleteTaskInput, TaskInput } from './TaskInput.js';

@Resolver(() => Task)
export class TaskResolver {
  @Authorized()
  @Query(() => Task)
  task(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Task> {
    return ctx.services.tasks.get(id);
  }

  @Authorized()
  @Query(() => TaskConnection, { description: 'Tasks, filtered by assignee, due window, status, lead or deal' })
  async tasks(@Args() args: TasksArgs, @Ctx() ctx: Context): Promise<ConnectionShape<Task>> {
    return toConnection(await ctx.services.tasks.page(args.filter ?? {}, taskOrder(args.orderBy), pageRequest(args)));
  }

  @Authorized(WRITERS)
  @Mutation(() => Task, { description: 'A task with a reminder at its due time (minus remindMinutesBefore)' })
  createTask(@Arg('input') input: TaskInput, @Ctx() ctx: Context): Promise<Task> {
    return ctx.services.tasks.create(input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Task, { description: 'A new due time, lead time or assignee moves the reminder' })
  updateTask(@Arg('id', () => ID) id: string, @Arg('input') input: TaskInput, @Ctx() ctx: Context): Promise<Task> {
    return ctx.services.tasks.update(id, input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Task, {
    description: 'Done, optionally logging what was done and creating the follow-up; a recurring task recurs',
  })
  completeTask(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: Context,
    @Arg('input', () => CompleteTaskInput, { nullable: true }) input?: CompleteTaskInput | null,
  ): Promise<Task> {
    return ctx.services.tasks.complete(id, input ?? {});
  }

  @Authorized(WRITERS)
  @Mutation(() => Task, { description: 'Open again (a reminder still ahead is scheduled again)' })
  reopenTask(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Task> {
    return ctx.services.tasks.reopen(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => Task, { description: 'Cancelled; its reminder will not fire' })
  cancelTask(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Task> {
    return ctx.services.tasks.cancel(id);
  }

  @FieldResolver(() => User, { nullable: true })
  assignee(@Parent() task: Task, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(task.assigneeId);
  }

  @FieldResolver(() => Lead, { nullable: true })
  lead(@Parent() task: Task, @Ctx() ctx: Context): Promise<Lead | null> | null {
    return task.leadId ? ctx.loaders.lead.load(task.leadId) : null;
  }

  @FieldResolver(() => Deal, { nullable: true })
  deal(@Parent() task: Task, @Ctx() ctx: Context): Promise<Deal | null> | null {
    return task.dealId ? ctx.loaders.deal.load(task.dealId) : null;
  }

  @FieldResolver(() => Property, { nullable: true })
  property(@Parent() task: Task, @Ctx() ctx: Context): Promise<Property | null> | null {
    return task.propertyId ? ctx.loaders.property.load(task.propertyId) : null;
  }
}
