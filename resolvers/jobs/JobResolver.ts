import { JSONResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, Float, ID, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../../src/context.js';

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

@Resolver(() => Job)
export class JobResolver {
  @Authorized()
  @Query(() => Job, { description: 'State and progress of a job you started (e.g. enrichProperty’s jobId)' })
  job(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Job> {
    return ctx.services.jobs.get(id);
  }
}
