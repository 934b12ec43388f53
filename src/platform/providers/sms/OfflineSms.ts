import { createHash } from 'node:crypto';
import { SmsSendError, type InboundSms, type OutgoingSms, type SmsEventSink, type SmsProvider } from './SmsProvider.js';

export interface OfflineSmsRecord extends OutgoingSms {
  providerMessageId: string;
  acceptedAt: Date;
}

/**
 * The default SMS provider: no network, same behaviour as the real gateway. It accepts sends and
 * returns Twilio-shaped message ids (SM + 32 hex), then reports delivery a moment later, and it
 * fails the way carriers do — deterministically by the destination's last four digits:
 *   …0000  rejected at send: invalid 'To' number (Twilio 21211, permanent)
 *   …0001  accepted, then UNDELIVERED (carrier 30003: unreachable handset)
 *   …0002  the first attempt to this number meets a gateway outage (HTTP 503, retried), then works
 *   …0003  rejected at send: the recipient replied STOP to the gateway earlier (Twilio 21610, permanent)
 * everything else is DELIVERED. `receive` plays an inbound message (a lead's reply) into the same
 * path the real webhook uses. `sent` keeps what was accepted, newest last (bounded).
 */
export class OfflineSmsProvider implements SmsProvider {
  readonly name = 'offline' as const;
  readonly sent: OfflineSmsRecord[] = [];
  private sink: SmsEventSink | null = null;
  private readonly outagesSeen = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private counter = 0;

  constructor(private readonly receiptDelayMs = 50) {}

  connect(sink: SmsEventSink): void {
    this.sink = sink;
  }

  async send(message: OutgoingSms): Promise<{ providerMessageId: string }> {
    const tail = message.to.slice(-4);
    if (tail === '0000')
      throw new SmsSendError(`The 'To' number ${message.to} is not a valid phone number.`, true, '21211');
    if (tail === '0003')
      throw new SmsSendError(`Attempt to send to unsubscribed recipient ${message.to}`, true, '21610');
    if (tail === '0002' && !this.outagesSeen.has(message.to)) {
      this.outagesSeen.add(message.to);
      throw new SmsSendError('Service unavailable (HTTP 503)', false, '503');
    }
    if (!message.body.trim()) throw new SmsSendError('Message body is required.', true, '21602');
    const providerMessageId = this.messageSid(`${message.organizationId}:${message.to}`);
    this.sent.push({ ...message, providerMessageId, acceptedAt: new Date() });
    if (this.sent.length > 100_000) this.sent.splice(0, this.sent.length - 100_000);
    const undelivered = tail === '0001';
    this.later(() =>
      this.sink?.status({
        organizationId: message.organizationId,
        providerMessageId,
        status: undelivered ? 'undelivered' : 'delivered',
        errorCode: undelivered ? '30003' : null,
      }),
    );
    return { providerMessageId };
  }

  async findSent(q: { from: string; to: string; body: string; since: Date }): Promise<string | null> {
    for (let i = this.sent.length - 1; i >= 0; i--) {
      const m = this.sent[i]!;
      if (m.acceptedAt < q.since) break;
      if (m.from === q.from && m.to === q.to && m.body === q.body) return m.providerMessageId;
    }
    return null;
  }

  /** A unique Twilio-style message id (`SM` + 32 hex digits). */
  private messageSid(seed: string): string {
    const unique = `${seed}:${Date.now()}:${++this.counter}:${Math.random()}`;
    return `SM${createHash('sha256').update(unique).digest('hex').slice(0, 32)}`;
  }

  /** A lead's SMS arriving at our number, handled exactly as the real webhook's would be. */
  async receive(message: Omit<InboundSms, 'providerMessageId'> & { providerMessageId?: string }): Promise<InboundSms> {
    if (!this.sink) throw new Error('The offline SMS provider is not connected to a handler');
    const inbound = {
      ...message,
      providerMessageId: message.providerMessageId ?? this.messageSid(`in:${message.from}`),
    };
    await this.sink.inbound(inbound);
    return inbound;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(fn: () => Promise<void> | undefined): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      void fn()?.catch(() => undefined);
    }, this.receiptDelayMs);
    this.timers.add(t);
  }
}
