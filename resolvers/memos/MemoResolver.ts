import {
  Arg,
  Authorized,
  Ctx,
  Extensions,
  Field,
  FieldResolver,
  ID,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Subscription,
} from 'type-graphql';
import { FANOUT_EXTENSION } from '../../src/platform/graphql/fanout-key.js';
import { Deal } from '../../entities/Deal.js';
import { Memo } from '../../entities/Memo.js';
import { ShareLink } from '../../entities/ShareLink.js';
import { Underwriting } from '../../entities/Underwriting.js';
import { User } from '../../entities/User.js';
import { organizationSubscription, WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { NotFoundError } from '../../src/platform/errors/index.js';
import { Topics, type MemoReadyPayload } from '../../src/platform/pubsub.js';
import { Parent } from '../common/Parent.js';

@ObjectType({ simpleResolvers: true })
export class ShareLinkPayload {
  @Field(() => ShareLink) link!: ShareLink;
  @Field({ description: 'Shown only now' }) token!: string;
  @Field({ description: 'The public link: works until it expires or is revoked' }) url!: string;
}

@Resolver(() => Memo)
export class MemoResolver {
  @Authorized(WRITERS)
  @Mutation(() => Memo, {
    description:
      'Render an investment memo PDF from one underwriting version (in the background; memoReady announces it)',
  })
  generateMemo(
    @Arg('dealId', () => ID) dealId: string,
    @Arg('underwritingId', () => ID) underwritingId: string,
    @Ctx() ctx: Context,
  ): Promise<Memo> {
    return ctx.services.memos.request(dealId, underwritingId);
  }

  @Authorized()
  @Query(() => Memo)
  memo(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Memo> {
    return ctx.services.memos.get(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => ShareLinkPayload, { description: 'A public link to a ready memo, valid for expiresInHours (1-720)' })
  async createShareLink(
    @Arg('memoId', () => ID) memoId: string,
    @Arg('expiresInHours', () => Int) expiresInHours: number,
    @Ctx() ctx: Context,
  ): Promise<ShareLinkPayload> {
    const { link, token } = await ctx.services.memos.createShareLink(memoId, expiresInHours);
    return { link, token, url: `${ctx.deps.config.publicUrl}/share/${token}` };
  }

  @Authorized(WRITERS)
  @Mutation(() => ShareLink, { description: 'Stop a share link from working (idempotent)' })
  revokeShareLink(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ShareLink> {
    return ctx.services.memos.revokeShareLink(id);
  }

  @Authorized()
  @Extensions({ [FANOUT_EXTENSION]: 'organization' })
  @Subscription(() => Memo, {
    ...organizationSubscription(Topics.MEMOS),
    description: 'A memo of your organization finished rendering',
  })
  async memoReady(@Parent() payload: MemoReadyPayload, @Ctx() ctx: Context): Promise<Memo> {
    ctx.renew(); // a fresh EntityManager and loaders for every event
    // Loaders enter the organization's scope themselves; subscription events run outside the socket's.
    const memo = await ctx.loaders.memo.load(payload.memoId);
    if (!memo) throw new NotFoundError('Memo', payload.memoId);
    return memo;
  }

  @FieldResolver(() => String, { nullable: true, description: 'A short-lived download URL once READY' })
  downloadUrl(@Parent() memo: Memo, @Ctx() ctx: Context): Promise<string | null> {
    return ctx.services.memos.downloadUrl(memo);
  }

  @FieldResolver(() => [ShareLink])
  shareLinks(@Parent() memo: Memo, @Ctx() ctx: Context): Promise<ShareLink[]> {
    return ctx.loaders.shareLinksByMemo.load(memo.id);
  }

  @FieldResolver(() => Deal, { nullable: true })
  deal(@Parent() memo: Memo, @Ctx() ctx: Context): Promise<Deal | null> {
    return ctx.loaders.deal.load(memo.dealId);
  }

  @FieldResolver(() => Underwriting, { nullable: true })
  underwriting(@Parent() memo: Memo, @Ctx() ctx: Context): Promise<Underwriting | null> {
    return ctx.loaders.underwriting.load(memo.underwritingId);
  }

  @FieldResolver(() => User, { nullable: true })
  createdBy(@Parent() memo: Memo, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(memo.createdById);
  }
}

@Resolver(() => Deal)
export class DealMemosResolver {
  @FieldResolver(() => [Memo], { description: 'Memos rendered for this deal, newest first' })
  memos(@Parent() deal: Deal, @Ctx() ctx: Context): Promise<Memo[]> {
    return ctx.loaders.memosByDeal.load(deal.id);
  }
}
