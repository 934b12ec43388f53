/** An SMS to send. `statusCallbackUrl` is where the provider reports delivery (real adapter only). */
export interface OutgoingSms {
  organizationId: string;
  from: string;
  to: string;
  body: string;
  statusCallbackUrl?: string;
}

/** Twilio's lifecycle, which the offline adapter follows too. */
export type SmsDeliveryStatus = 'queued' | 'sent' | 'delivered' | 'undelivered' | 'failed';

export interface SmsStatusReport {
  organizationId: string;
  providerMessageId: string;
  status: SmsDeliveryStatus;
  /** Provider error code for undelivered/failed (Twilio's 30003, 30007…). */
  errorCode?: string | null;
}

export interface InboundSms {
  /** Resolved from the number it was sent to (`to`). */
  organizationId: string;
  providerMessageId: string;
  from: string;
  to: string;
  body: string;
}

/** A send the provider refused. `permanent` ones (bad number, blocked recipient) are not retried. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    readonly code: string | null = null,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** Where delivery reports and inbound messages go once received (src/platform/providers/sms/events.ts). */
export interface SmsEventSink {
  status(report: SmsStatusReport): Promise<void>;
  inbound(message: InboundSms): Promise<void>;
}

/**
 * An SMS gateway. `send` resolves to the provider's message id once the provider has accepted the
 * message; what happens next (delivered, undelivered) arrives later as a status report — through
 * the provider's webhook for the real adapter, through the sink for the offline one.
 */
export interface SmsProvider {
  readonly name: 'offline' | 'twilio';
  send(message: OutgoingSms): Promise<{ providerMessageId: string }>;
  /**
   * The id of a message the provider accepted from `from` to `to` with this body since `since`, or
   * null. Asked before sending again a text whose sender died between the provider's answer and
   * recording it, so a takeover never texts twice.
   */
  findSent(query: { from: string; to: string; body: string; since: Date }): Promise<string | null>;
  /** Receives status reports and inbound messages the provider itself produces (offline adapter). */
  connect(sink: SmsEventSink): void;
  close(): void;
}
