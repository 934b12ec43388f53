import { LocalDateResolver } from '../../src/platform/graphql/scalars.js';
import { Arg, Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { Lead } from '../../entities/Lead.js';
import { Task } from '../../entities/Task.js';
import type { Context } from '../../src/platform/context.js';
import type { MyDay as MyDayShape } from '../../src/domains/tasks/MyDayService.js';

@ObjectType({
  description: 'How many there are in each list (the lists themselves stop at `limit`)',
  simpleResolvers: true,
})
export class MyDayCounts {
  @Field(() => Int)
  overdueTasks!: number;

  @Field(() => Int)
  todayTasks!: number;

  @Field(() => Int)
  newLeads!: number;

  @Field(() => Int)
  awaitingReply!: number;

  @Field(() => Int)
  staleLeads!: number;
}

@ObjectType({ description: 'Who to call today: your tasks and your leads that need you, each list ranked' })
export class MyDay implements MyDayShape {
  @Field(() => LocalDateResolver, { description: "Today in the organization's time zone" })
  date!: string;

  @Field()
  timeZone!: string;

  @Field(() => Int, { description: 'A lead is stale after this many days without activity (organization setting)' })
  staleLeadDays!: number;

  @Field(() => [Task], { description: 'Open, past due: earliest first, then by the lead’s score' })
  overdueTasks!: Task[];

  @Field(() => [Task], { description: 'Open, due later today (or all-day today): by due time, then the lead’s score' })
  todayTasks!: Task[];

  @Field(() => [Lead], { description: 'Your leads still NEW and never contacted, oldest first' })
  newLeads!: Lead[];

  @Field(() => [Lead], { description: 'Your leads whose message waits for an answer, longest waiting first' })
  awaitingReply!: Lead[];

  @Field(() => [Lead], {
    description:
      'Your leads still being worked with no activity for staleLeadDays, highest score first (unscored last)',
  })
  staleLeads!: Lead[];

  @Field(() => MyDayCounts)
  counts!: MyDayCounts;
}

@Resolver()
export class MyDayResolver {
  @Authorized()
  @Query(() => MyDay, { description: 'Your day: overdue and today’s tasks, new leads, replies waiting, stale leads' })
  myDay(
    @Ctx() ctx: Context,
    @Arg('limit', () => Int, { nullable: true, description: 'Longest list length (1–200, default 25)' })
    limit?: number,
  ): Promise<MyDay> {
    return ctx.services.myDay.get(limit);
  }
}
