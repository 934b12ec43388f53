import { PipelineEventType, Topics, type PipelineEventPayload } from '../platform/pubsub.js';
import type { ServiceScope } from './scope.js';

/** Publishes a pipeline event to the organization's channel. Called after the change is committed. */
export function publishPipelineEvent(
  scope: Pick<ServiceScope, 'deps' | 'actor'>,
  organizationId: string,
  type: PipelineEventType,
  ids: Pick<
    PipelineEventPayload,
    'dealId' | 'leadId' | 'propertyId' | 'activityId' | 'taskId' | 'inboundMessageId' | 'fromStage' | 'toStage'
  >,
): void {
  const payload: PipelineEventPayload = {
    type,
    organizationId,
    ...ids,
    actorUserId: scope.actor?.id ?? null,
    at: new Date().toISOString(),
  };
  scope.deps.pubsub.publish(Topics.PIPELINE, organizationId, payload);
}

export { PipelineEventType };
