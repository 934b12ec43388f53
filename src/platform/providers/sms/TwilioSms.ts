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

  /**
   * Twilio's message list filtered by To, From and DateSent>= (a day; Twilio's granularity), then
   * matched by body and creation time. An unreachable API is an error (the caller retries later)
   * rather than "not sent", which could text twice.
   */
  async findSent(q: { from: string; to: string; body: string; since: Date }): Promise<string | null> {
    const day = new Date(q.since.getTime() - 86_400_000).toISOString().slice(0, 10);
    const params = new URLSearchParams({ To: q.to, From: q.from, 'DateSent>': day, PageSize: '50' });
    const url = `${this.baseUrl}/2010-04-01/Accounts/${encodeURIComponent(this.accountSid)}/Messages.json?${params}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: {
          authorization: `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`,
          accept: 'application/json',
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new SmsSendError(`Twilio could not be reached: ${(err as Error).message}`, false);
    }
    if (!res.ok) throw new SmsSendError(`Twilio's message list answered HTTP ${res.status}`, false);
    const body = (await res.json()) as { messages?: { sid: string; body: string; date_created: string }[] };
    const since = q.since.getTime() - 1_000; // Twilio's dates are whole seconds
    const hit = (body.messages ?? []).find((m) => m.body === q.body && new Date(m.date_created).getTime() >= since);
    return hit?.sid ?? null;
  }

  close(): void {}
}
