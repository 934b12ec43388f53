import { JSONResolver } from 'graphql-scalars';
import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Extensions,
  Field,
  Float,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Subscription,
} from 'type-graphql';
import { FANOUT_EXTENSION } from '../../src/platform/graphql/fanout-key.js';
import { FailedJob } from '../../entities/FailedJob.js';
import { MANAGERS, organizationSubscription } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { Topics, type JobEventPayload } from '../../src/platform/pubsub.js';
import { Connection, PageArgs, pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { Parent } from '../common/Parent.js';

@ObjectType({ simpleResolvers: true, description: 'A background job of your organization' })
export class Job {
  @Field(() => ID) id!: string;
  @Field() queue!: string;
  @Field() name!: string;
  @Field({ description: 'waiting, delayed, active, completed or failed' }) state!: string;
  @Field(() => Float, { description: '0-100' }) progress!: number;
  @Field(() => Int) attemptsMade!: number;
  @Field(() => JSONResolver, { nullable: true }) result!: unknown;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

@ObjectType({ simpleResolvers: true, description: 'A job moved: progress, completion or failure' })
export class JobProgressEvent {
  @Field(() => ID) jobId!: string;
  @Field() queue!: string;
  @Field() state!: string;
  @Field(() => Float) progress!: number;
  @Field(() => String, { nullable: true }) error!: string | null;
}

export const FailedJobConnection = Connection(FailedJob, 'FailedJob');

@ArgsType()
class FailedJobsArgs extends PageArgs {
  @Field(() => String, { nullable: true, description: 'Only this queue (geocode, enrich, memo…)' })
  queue?: string;
}

@Resolver(() => Job)
export class JobResolver {
  @Authorized()
  @Query(() => Job, { description: 'State and progress of a job you started (e.g. enrichProperty’s jobId)' })
  job(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Job> {
    return ctx.services.jobs.get(id);
  }

  @Authorized()
  @Query(() => FailedJobConnection, { description: 'Jobs that used up their attempts (dead letters), newest first' })
  async failedJobs(@Args() args: FailedJobsArgs, @Ctx() ctx: Context): Promise<ConnectionShape<FailedJob>> {
    return toConnection(await ctx.services.jobs.failed(args.queue, pageRequest(args)));
  }

  @Authorized(MANAGERS)
  @Mutation(() => FailedJob, { description: 'Run a dead-lettered job again, once (OWNER/ADMIN)' })
  replayJob(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<FailedJob> {
    return ctx.services.jobs.replay(id);
  }

  @Authorized()
  @Extensions({ [FANOUT_EXTENSION]: 'organization' })
  @Subscription(() => JobProgressEvent, {
    ...organizationSubscription(Topics.JOBS, (payload, args) => payload.jobId === args.id),
    description: 'Progress of one of your organization’s jobs until it completes or fails',
  })
  jobProgress(@Arg('id', () => ID) _id: string, @Parent() payload: JobEventPayload): JobProgressEvent {
    return payload;
  }
}
