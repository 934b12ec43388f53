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
import { WebhookDeliveryStatus } from '../../entities/enums.js';
import { WebhookAttempt } from '../../entities/WebhookAttempt.js';
import { WebhookDelivery } from '../../entities/WebhookDelivery.js';
import { WebhookEndpoint } from '../../entities/WebhookEndpoint.js';
import { MANAGERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { messageId, webhookBody } from '../../src/domains/webhooks/deliveries.js';
import { WEBHOOK_EVENT_TYPES } from '../../src/domains/webhooks/event-types.js';
import type { DeliveryView } from '../../src/domains/webhooks/WebhookService.js';
import { Connection, PageArgs, pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { Parent } from '../common/Parent.js';
import { WebhookEndpointInput, WebhookEndpointWithSecret, WebhookEventType } from './IntegrationInputs.js';

const WebhookDeliveryConnection = Connection(WebhookDelivery, 'WebhookDelivery');

@ArgsType()
class WebhookDeliveriesArgs extends PageArgs {
  @Field(() => ID) endpointId!: string;
  @Field(() => WebhookDeliveryStatus, { nullable: true }) status?: WebhookDeliveryStatus | null;
}

/** Outbound webhooks (OWNER/ADMIN): endpoints, secrets, the delivery log, replays. docs/integrations.md. */
@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized()
  @Query(() => [WebhookEventType], { description: 'Every event type an endpoint can subscribe to' })
  webhookEventTypes(): WebhookEventType[] {
    return Object.entries(WEBHOOK_EVENT_TYPES).map(([name, description]) => ({ name, description }));
  }

  @Authorized(MANAGERS)
  @Query(() => [WebhookEndpoint])
  webhookEndpoints(@Ctx() ctx: Context): Promise<WebhookEndpoint[]> {
    return ctx.services.webhooks.list();
  }

  @Authorized(MANAGERS)
  @Query(() => WebhookEndpoint)
  webhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WebhookEndpoint> {
    return ctx.services.webhooks.get(id);
  }

  @Authorized(MANAGERS)
  @Query(() => WebhookDeliveryConnection, { description: 'An endpoint’s deliveries, newest first, with every try' })
  async webhookDeliveries(
    @Args() args: WebhookDeliveriesArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<WebhookDelivery>> {
    return toConnection(await ctx.services.webhooks.deliveries(args.endpointId, args.status, pageRequest(args)));
  }

  @Authorized(MANAGERS)
  @Mutation(() => WebhookEndpointWithSecret, { description: 'The signing secret is in the answer, and only there' })
  createWebhookEndpoint(@Arg('input') input: WebhookEndpointInput, @Ctx() ctx: Context) {
    return ctx.services.webhooks.create(input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => WebhookEndpoint)
  updateWebhookEndpoint(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: WebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpoint> {
    return ctx.services.webhooks.update(id, input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => WebhookEndpointWithSecret, { description: 'A new secret; the old one also signs for 24 hours' })
  rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: Context) {
    return ctx.services.webhooks.rotateSecret(id);
  }

  @Authorized(MANAGERS)
  @Mutation(() => WebhookEndpoint, { description: 'Stops deliveries; queued tries end FAILED' })
  disableWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WebhookEndpoint> {
    return ctx.services.webhooks.setEnabled(id, false);
  }

  @Authorized(MANAGERS)
  @Mutation(() => WebhookEndpoint, { description: 'On again (also clears the failing streak)' })
  enableWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WebhookEndpoint> {
    return ctx.services.webhooks.setEnabled(id, true);
  }

  @Authorized(MANAGERS)
  @Mutation(() => Boolean, { description: 'Deletes the endpoint and its delivery log' })
  deleteWebhookEndpoint(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.webhooks.delete(id);
  }

  @Authorized(MANAGERS)
  @Mutation(() => WebhookDelivery, { description: 'A webhook.test event to this endpoint only' })
  sendTestWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    return ctx.services.webhooks.sendTest(id);
  }

  @Authorized(MANAGERS)
  @Mutation(() => WebhookDelivery, { description: 'One more try now: same webhook-id and body' })
  replayWebhookDelivery(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<WebhookDelivery> {
    return ctx.services.webhooks.replay(id);
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => String, { description: 'The webhook-id header: the same on every try and replay' })
  messageId(@Parent() d: DeliveryView): string {
    return messageId(d.event.id);
  }

  @FieldResolver(() => String)
  eventType(@Parent() d: DeliveryView): string {
    return d.event.type;
  }

  @FieldResolver(() => Date, { description: 'When the event happened (the payload’s timestamp)' })
  eventAt(@Parent() d: DeliveryView): Date {
    return d.event.createdAt;
  }

  @FieldResolver(() => String, { description: 'The JSON body every try sends' })
  payload(@Parent() d: DeliveryView): string {
    return webhookBody(d.event.type, d.event.timestamp, d.event.data);
  }

  @FieldResolver(() => [WebhookAttempt], { description: 'Every try, oldest first' })
  tries(@Parent() d: DeliveryView): WebhookAttempt[] {
    return d.tries;
  }
}
