import type { InboundMessage } from '../../../../entities/index.js';
import type { AppDeps } from '../../deps.js';
import { inOrganization } from '../../tenancy/enter.js';
import type { InboundSms, SmsEventSink, SmsStatusReport } from './SmsProvider.js';

/**
 * Where the SMS gateway's delivery reports and inbound messages enter: each in the organization it
 * names (the send's `?org=`, or the organization whose number received the message), handled by
 * SmsEventService — the same for Twilio's webhooks and the offline adapter.
 */
export function smsEventSink(deps: AppDeps): SmsEventSink {
  return {
    status: (report) => recordSmsStatus(deps, report),
    inbound: async (message) => {
      await recordInboundSms(deps, message);
    },
  };
}

export function recordSmsStatus(deps: AppDeps, report: SmsStatusReport): Promise<void> {
  return inOrganization(deps, report.organizationId, (s) => s.smsEvents.recordStatus(report));
}

export function recordInboundSms(deps: AppDeps, message: InboundSms): Promise<InboundMessage | null> {
  return inOrganization(deps, message.organizationId, (s) => s.smsEvents.recordInbound(message));
}
