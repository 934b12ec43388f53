import {
  Arg,
  Authorized,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
} from 'type-graphql';
import { MessageChannel } from '../../entities/enums.js';
import { MessageTemplate } from '../../entities/MessageTemplate.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { mergeFieldsOf, smsSize, withOptOutNotice } from '../../src/domains/outreach/template.js';
import { Parent } from '../common/Parent.js';

@InputType({
  description:
    'Merge fields: {{lead.firstName}}, {{lead.lastName}}, {{lead.fullName}}, {{property.address}}, ' +
    '{{property.city}}, {{property.state}}, {{property.zip}}, {{user.name}}, {{organization.name}}',
})
export class TemplateInput {
  @Field({ nullable: true }) name?: string;
  @Field(() => MessageChannel, { nullable: true, description: 'Required on create; fixed after' })
  channel?: MessageChannel;
  @Field(() => String, { nullable: true, description: 'Email only' }) subject?: string | null;
  @Field({ nullable: true }) body?: string;
}

@ObjectType({ simpleResolvers: true, description: 'How an SMS body is counted by carriers' })
export class SmsSizeInfo {
  @Field({ description: 'GSM-7 or UCS-2' }) encoding!: string;
  @Field(() => Int) length!: number;
  @Field(() => Int) segments!: number;
}

@ObjectType({ simpleResolvers: true })
export class TemplatePreview {
  @Field(() => String, { nullable: true }) subject!: string | null;
  @Field({ description: 'As it would be sent (SMS: with the opt-out notice when the template has no STOP)' })
  body!: string;
  @Field(() => SmsSizeInfo, { nullable: true, description: 'SMS only: length and segments of this body' })
  sms!: SmsSizeInfo | null;
}

@Resolver(() => MessageTemplate)
export class TemplateResolver {
  @Authorized()
  @Query(() => [MessageTemplate])
  templates(
    @Ctx() ctx: Context,
    @Arg('channel', () => MessageChannel, { nullable: true }) channel?: MessageChannel,
  ): Promise<MessageTemplate[]> {
    return ctx.services.templates.list(channel);
  }

  @Authorized()
  @Query(() => MessageTemplate)
  template(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MessageTemplate> {
    return ctx.services.templates.get(id);
  }

  @Authorized(WRITERS)
  @Mutation(() => MessageTemplate, { description: 'Unknown merge fields are rejected, naming them' })
  createTemplate(@Arg('input') input: TemplateInput, @Ctx() ctx: Context): Promise<MessageTemplate> {
    return ctx.services.templates.create(input);
  }

  @Authorized(WRITERS)
  @Mutation(() => MessageTemplate)
  updateTemplate(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: TemplateInput,
    @Ctx() ctx: Context,
  ): Promise<MessageTemplate> {
    return ctx.services.templates.update(id, input);
  }

  @Authorized(WRITERS)
  @Mutation(() => MessageTemplate)
  archiveTemplate(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<MessageTemplate> {
    return ctx.services.templates.archive(id);
  }

  @FieldResolver(() => [String], { description: 'The merge fields the template uses' })
  mergeFields(@Parent() t: MessageTemplate): string[] {
    return [
      ...new Set([...mergeFieldsOf(t.body, 'body'), ...(t.subject ? mergeFieldsOf(t.subject, 'subject') : [])]),
    ].sort();
  }

  @FieldResolver(() => SmsSizeInfo, {
    nullable: true,
    description:
      'SMS only: length and segments of the text as sent — the body (merge fields not yet filled) plus "Reply ' +
      'STOP to opt out." when it has no STOP',
  })
  sms(@Parent() t: MessageTemplate): SmsSizeInfo | null {
    return t.channel === MessageChannel.SMS ? smsSize(withOptOutNotice(t.body)) : null;
  }

  @FieldResolver(() => TemplatePreview, { description: 'The template filled in for one of your leads' })
  async preview(
    @Parent() t: MessageTemplate,
    @Arg('leadId', () => ID) leadId: string,
    @Ctx() ctx: Context,
  ): Promise<TemplatePreview> {
    const message = await ctx.services.templates.preview(t, leadId);
    return { ...message, sms: t.channel === MessageChannel.SMS ? smsSize(message.body) : null };
  }
}
