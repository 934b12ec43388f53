import { SmsSendError, type OutgoingSms, type SmsEventSink, type SmsProvider } from './SmsProvider.js';

/**
 * Twilio's Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json, basic auth with the account
 * sid and auth token, form-encoded To/From/Body/StatusCallback. Delivery reports and inbound
 * messages come back through the webhooks in src/platform/http/twilio.ts, which verify Twilio's signature.
 * 429, 5xx and network errors are retried by the job; other 4xx (bad or blocked number — 21211,
 * 21610 —, bad content, credentials) will not change on retry and are not.
 */
export class TwilioSmsProvider implements SmsProvider {
  readonly name = 'twilio' as const;

  constructor(
    private readonly accountSid: string,
    private readonly authToken: string,
    private readonly baseUrl = 'https://api.twilio.com',
    private readonly timeoutMs = 10_000,
  ) {}

  connect(_sink: SmsEventSink): void {
    // Reports arrive over HTTP (webhooks), not from this object.
  }

  async send(message: OutgoingSms): Promise<{ providerMessageId: string }> {
    const form = new URLSearchParams({ To: message.to, From: message.from, Body: message.body });
    if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(this.accountSid)}/Messages.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new SmsSendError(`Twilio could not be reached: ${(err as Error).message}`, false);
    }
    const body = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
    if (res.ok && body.sid) return { providerMessageId: body.sid };
    const code = body.code != null ? String(body.code) : null;
    const permanent = res.status < 500 && res.status !== 429;
    throw new SmsSendError(
      `Twilio refused the message (HTTP ${res.status}${code ? `, code ${code}` : ''}): ` +
        `${body.message ?? res.statusText}`,
      permanent,
      code ?? String(res.status),
    );
  }

  close(): void {}
}
