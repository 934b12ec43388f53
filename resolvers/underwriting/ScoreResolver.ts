import { Arg, Ctx, FieldResolver, Float, Resolver } from 'type-graphql';
import { Direction } from '../../entities/enums.js';
import { Property } from '../../entities/Property.js';
import type { Context } from '../../src/platform/context.js';
import {
  applyChanges,
  counterfactuals,
  scoreFromSignals,
  signalsFor,
  type ScoreFacts,
} from '../../src/domains/underwriting/score.js';
import { Parent } from '../common/Parent.js';
import { PropertyScore, ScoreChangesInput, ScoreCounterfactual } from './ScoreTypes.js';

/** The property's facts for the score, engagement read through the request's loaders. */
async function factsFor(p: Property, ctx: Context): Promise<ScoreFacts> {
  const leads = await ctx.loaders.leadsByProperty.load(p.id);
  const timelines = await ctx.loaders.activitiesByLead.loadMany(leads.map((l) => l.id));
  const inbound = timelines.flat().filter((a) => !(a instanceof Error) && a.direction === Direction.INBOUND).length;
  return { ...p, inboundEngagements: inbound };
}

@Resolver(() => Property)
export class ScoreResolver {
  @FieldResolver(() => PropertyScore, { description: 'Seller-motivation score with per-feature contributions' })
  async score(@Parent() p: Property, @Ctx() ctx: Context): Promise<PropertyScore> {
    const { signals, labels } = signalsFor(await factsFor(p, ctx));
    return scoreFromSignals(signals, labels);
  }

  @FieldResolver(() => PropertyScore, { description: 'The score if these facts were different' })
  async scoreWhatIf(
    @Parent() p: Property,
    @Arg('changes') changes: ScoreChangesInput,
    @Ctx() ctx: Context,
  ): Promise<PropertyScore> {
    const { signals, labels } = signalsFor(await factsFor(p, ctx));
    return scoreFromSignals(applyChanges(signals, changes), labels);
  }

  @FieldResolver(() => [ScoreCounterfactual], {
    description:
      'Smallest changes to actionable features (engagement, vacancy, code violations, absentee) that reach ' +
      'the target; empty when already there or out of reach',
  })
  async scoreCounterfactuals(
    @Parent() p: Property,
    @Arg('target', () => Float) target: number,
    @Ctx() ctx: Context,
  ): Promise<ScoreCounterfactual[]> {
    const { signals } = signalsFor(await factsFor(p, ctx));
    return counterfactuals(signals, target);
  }
}
