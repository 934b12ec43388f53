import {
  Arg,
  Args,
  ArgsType,
  Authorized,
  Ctx,
  Extensions,
  Field,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Subscription,
} from 'type-graphql';
import { EnrollmentStatus } from '../../entities/enums.js';
import { Lead } from '../../entities/Lead.js';
import { Sequence } from '../../entities/Sequence.js';
import { SequenceEnrollment } from '../../entities/SequenceEnrollment.js';
import { SequenceStep } from '../../entities/SequenceStep.js';
import { SequenceStepRun } from '../../entities/SequenceStepRun.js';
import { organizationSubscription, WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { FANOUT_EXTENSION } from '../../src/platform/graphql/fanout-key.js';
import { Topics, type SequenceProgressPayload } from '../../src/platform/pubsub.js';
import { Connection, PageArgs, pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { Parent } from '../common/Parent.js';
import { EnrollInput, EnrollResult, SequenceInput, SequenceProgressEvent, SequenceStepStats } from './SequenceInput.js';

const EnrollmentConnection = Connection(SequenceEnrollment, 'SequenceEnrollment');

@ArgsType()
class EnrollmentsArgs extends PageArgs {
  @Field(() => ID) sequenceId!: string;
  @Field(() => EnrollmentStatus, { nullable: true }) status?: EnrollmentStatus | null;
}

@Resolver(() => Sequence)
export class SequenceResolver {
  @Authorized()
  @Query(() => Sequence)
  sequence(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Sequence> {
    return ctx.services.sequences.get(id);
  }

  @Authorized()
  @Query(() => [Sequence], { description: 'Oldest first; archived ones only when asked' })
  sequences(
    @Ctx() ctx: Context,
    @Arg('includeArchived', { defaultValue: false }) includeArchived: boolean,
  ): Promise<Sequence[]> {
    return ctx.services.sequences.list(includeArchived);
  }

  @Authorized(WRITERS)
  @Mutation(() => Sequence, { description: 'Steps are checked now; a bad step is BAD_USER_INPUT naming it' })
  createSequence(@Arg('input') input: SequenceInput, @Ctx() ctx: Context): Promise<Sequence> {
    return ctx.services.sequences.create(input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Sequence, { description: 'New steps make a new version; running enrollments finish on theirs' })
  updateSequence(@Arg('id', () => ID) id: string, @Arg('input') input: SequenceInput, @Ctx() ctx: Context) {
    return ctx.services.sequences.update(id, input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Sequence, { description: 'Steps that come due wait until resumed' })
  pauseSequence(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Sequence> {
    return ctx.services.sequences.pause(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => Sequence, { description: 'Steps that came due while paused run now' })
  resumeSequence(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Sequence> {
    return ctx.services.sequences.resume(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => Sequence, { description: 'Running enrollments end (EXITED, ARCHIVED); nothing new can be enrolled' })
  archiveSequence(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Sequence> {
    return ctx.services.sequences.archive(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => EnrollResult, { description: 'Leads already in the sequence are left as they are' })
  enrollInSequence(
    @Arg('sequenceId', () => ID) sequenceId: string,
    @Arg('input') input: EnrollInput,
    @Ctx() ctx: Context,
  ): Promise<EnrollResult> {
    return ctx.services.sequences.enroll(sequenceId, input);
  }

  @Authorized(WRITERS)
  @Mutation(() => SequenceEnrollment, {
    nullable: true,
    description: 'Ends the lead’s enrollment (UNENROLLED); null when it was not in the sequence',
  })
  unenrollFromSequence(
    @Arg('sequenceId', () => ID) sequenceId: string,
    @Arg('leadId', () => ID) leadId: string,
    @Ctx() ctx: Context,
  ): Promise<SequenceEnrollment | null> {
    return ctx.services.sequences.unenroll(sequenceId, leadId);
  }

  @Authorized()
  @Query(() => EnrollmentConnection, { description: 'A sequence’s enrollments, oldest first' })
  async enrollments(@Args() args: EnrollmentsArgs, @Ctx() ctx: Context): Promise<ConnectionShape<SequenceEnrollment>> {
    return toConnection(await ctx.services.sequences.enrollments(args.sequenceId, args.status, pageRequest(args)));
  }

  @Authorized()
  @Query(() => SequenceEnrollment)
  enrollment(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<SequenceEnrollment> {
    return ctx.services.sequences.enrollment(id);
  }

  @Authorized()
  @Extensions({ [FANOUT_EXTENSION]: 'organization' })
  @Subscription(() => SequenceProgressEvent, {
    ...organizationSubscription(Topics.SEQUENCES, (p, args) => !args.sequenceId || p.sequenceId === args.sequenceId),
    description: 'Steps sent, skipped or failed and enrollments completed or exited, in your organization',
  })
  sequenceProgress(
    @Parent() payload: SequenceProgressPayload,
    @Arg('sequenceId', () => ID, { nullable: true }) _sequenceId?: string | null,
  ): SequenceProgressEvent {
    return payload;
  }

  @FieldResolver(() => [SequenceStep])
  steps(@Parent() s: Sequence): SequenceStep[] {
    return s.steps;
  }

  @FieldResolver(() => [SequenceStepStats])
  stats(@Parent() s: Sequence, @Ctx() ctx: Context): Promise<SequenceStepStats[]> {
    return ctx.services.sequences.stats(s);
  }
}

@Resolver(() => SequenceEnrollment)
export class SequenceEnrollmentResolver {
  @FieldResolver(() => Lead, { nullable: true })
  lead(@Parent() e: SequenceEnrollment, @Ctx() ctx: Context): Promise<Lead | null> {
    return ctx.loaders.lead.load(e.leadId);
  }

  @FieldResolver(() => [SequenceStepRun], { description: 'Its steps in order: scheduled, sent, skipped, failed' })
  timeline(@Parent() e: SequenceEnrollment, @Ctx() ctx: Context): Promise<SequenceStepRun[]> {
    return ctx.services.sequences.timeline(e.id);
  }

  @FieldResolver(() => [SequenceStep], { description: 'The steps of the version it runs' })
  steps(@Parent() e: SequenceEnrollment, @Ctx() ctx: Context): Promise<SequenceStep[]> {
    return ctx.services.sequences.versionSteps(e.sequenceId, e.version);
  }
}
