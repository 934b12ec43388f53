import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Deal } from '../../entities/Deal.js';
import { UnderwritingKind } from '../../entities/enums.js';
import { Underwriting } from '../../entities/Underwriting.js';
import { User } from '../../entities/User.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { analyzeDcf } from '../../src/domains/underwriting/dcf.js';
import { analyzeFlip } from '../../src/domains/underwriting/flip.js';
import { analyzeRental } from '../../src/domains/underwriting/rental.js';
import { Parent } from '../common/Parent.js';
import { DcfInput, FlipInput, RentalInput, SaveUnderwritingInput } from './UnderwritingInput.js';
import { DcfAnalysis, FlipAnalysis, RentalAnalysis, UnderwritingChange } from './UnderwritingTypes.js';

@Resolver(() => Underwriting)
export class UnderwritingResolver {
  @Authorized()
  @Query(() => FlipAnalysis, { description: 'Flip / wholesale numbers for what-if work; nothing is saved' })
  analyzeFlip(@Arg('input') input: FlipInput): FlipAnalysis {
    return analyzeFlip(input) as FlipAnalysis;
  }

  @Authorized()
  @Query(() => RentalAnalysis, { description: 'Buy-and-hold rental numbers; nothing is saved' })
  analyzeRental(@Arg('input') input: RentalInput): RentalAnalysis {
    return analyzeRental(input) as RentalAnalysis;
  }

  @Authorized()
  @Query(() => DcfAnalysis, { description: 'Discounted cash flow for multifamily/commercial; nothing is saved' })
  analyzeDcf(@Arg('input') input: DcfInput): DcfAnalysis {
    return analyzeDcf(input) as DcfAnalysis;
  }

  @Authorized(WRITERS)
  @Mutation(() => Underwriting, {
    description: 'Save a new immutable version of a deal’s analysis (outputs computed by the server)',
  })
  saveUnderwriting(
    @Arg('dealId', () => ID) dealId: string,
    @Arg('input') input: SaveUnderwritingInput,
    @Ctx() ctx: Context,
  ): Promise<Underwriting> {
    return ctx.services.underwritings.save(dealId, input);
  }

  @Authorized()
  @Query(() => Underwriting)
  underwriting(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Underwriting> {
    return ctx.services.underwritings.get(id);
  }

  @Authorized()
  @Query(() => [UnderwritingChange], { description: 'What changed from version a to version b (inputs and outputs)' })
  compareUnderwritings(
    @Arg('a', () => ID) a: string,
    @Arg('b', () => ID) b: string,
    @Ctx() ctx: Context,
  ): Promise<UnderwritingChange[]> {
    return ctx.services.underwritings.compare(a, b);
  }

  @FieldResolver(() => FlipAnalysis, { nullable: true, description: 'The outputs, typed, when kind is FLIP' })
  flip(@Parent() u: Underwriting): FlipAnalysis | null {
    return u.kind === UnderwritingKind.FLIP ? (u.outputs as unknown as FlipAnalysis) : null;
  }

  @FieldResolver(() => RentalAnalysis, { nullable: true, description: 'The outputs, typed, when kind is RENTAL' })
  rental(@Parent() u: Underwriting): RentalAnalysis | null {
    return u.kind === UnderwritingKind.RENTAL ? (u.outputs as unknown as RentalAnalysis) : null;
  }

  @FieldResolver(() => DcfAnalysis, { nullable: true, description: 'The outputs, typed, when kind is DCF' })
  dcf(@Parent() u: Underwriting): DcfAnalysis | null {
    return u.kind === UnderwritingKind.DCF ? (u.outputs as unknown as DcfAnalysis) : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Who saved it' })
  createdBy(@Parent() u: Underwriting, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(u.createdById);
  }

  @FieldResolver(() => Deal, { nullable: true })
  deal(@Parent() u: Underwriting, @Ctx() ctx: Context): Promise<Deal | null> {
    return ctx.loaders.deal.load(u.dealId);
  }
}

@Resolver(() => Deal)
export class DealUnderwritingsResolver {
  @FieldResolver(() => [Underwriting], { description: 'Saved analysis versions, newest first' })
  underwritings(@Parent() deal: Deal, @Ctx() ctx: Context): Promise<Underwriting[]> {
    return ctx.loaders.underwritingsByDeal.load(deal.id);
  }
}
