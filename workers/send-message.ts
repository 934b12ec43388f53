import { UnrecoverableError, type Job } from 'bullmq';
import { Activity, OutboundMessage, Suppression } from '../entities/index.js';
import { ActivityType, Direction, MessageChannel, MessageStatus, SuppressionReason } from '../entities/enums.js';
import { textToHtml } from '../src/platform/mail/html.js';
import { isPermanentSmtpFailure } from '../src/platform/mail/Mailer.js';
import type { SendMessageJob } from '../src/platform/jobs/queues.js';
import { canContact } from '../src/domains/outreach/ConsentService.js';
import type { AppDeps } from '../src/domains/scope.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';

export type { SendMessageJob };

/**
 * Sends one queued message: checks consent again (it may have changed since it was queued), sends
 * over SMTP, marks it SENT and puts an EMAIL activity on the lead's timeline. A message that is not
 * QUEUED any more is left alone, so a repeated job does not send twice. Delivery is at least once:
 * if the process dies between the SMTP reply and the update, the retry sends again with the same
 * Message-ID, which receiving servers and clients use to drop the duplicate.
 */
export function sendMessageProcessor(deps: AppDeps) {
  return (job: Job<SendMessageJob>) => runAsTenant(job.data.organizationId, () => send(deps, job));
}

async function send(deps: AppDeps, job: Job<SendMessageJob>): Promise<{ status: MessageStatus | 'GONE' }> {
  const { organizationId, messageId } = job.data;
  const em = forkForTenant(deps.orm, organizationId);
  const message = await em.findOne(OutboundMessage, { id: messageId });
  if (!message) return { status: 'GONE' };
  if (message.status !== MessageStatus.QUEUED) return { status: message.status };

  const decision = await canContact(em, message.channel, message.toAddress);
  if (!decision.allowed) {
    Object.assign(message, { status: MessageStatus.BLOCKED, error: decision.reason });
    await em.flush();
    return { status: MessageStatus.BLOCKED };
  }
  if (message.channel !== MessageChannel.EMAIL)
    throw new UnrecoverableError(`No sender for ${message.channel} messages`);

  let providerMessageId: string;
  try {
    providerMessageId = await deps.mailer.send({
      from: deps.config.mailFrom,
      to: message.toAddress,
      subject: message.subject ?? '',
      text: message.body,
      html: textToHtml(message.body),
      messageId: `<${message.id}@${organizationId}.realestateos>`,
      headers: { 'X-Reos-Message-Id': message.id },
    });
  } catch (err) {
    if (isPermanentSmtpFailure(err)) {
      await em
        .getRepository(Suppression)
        .suppress(
          organizationId,
          message.channel,
          message.toAddress,
          SuppressionReason.HARD_BOUNCE,
          (err as Error).message,
        );
      throw new UnrecoverableError(`The mail server refused the message: ${(err as Error).message}`);
    }
    throw err;
  }
  Object.assign(message, { status: MessageStatus.SENT, providerMessageId, sentAt: new Date(), error: undefined });
  em.create(Activity, {
    organizationId,
    leadId: message.leadId,
    type: ActivityType.EMAIL,
    direction: Direction.OUTBOUND,
    body: message.subject ? `${message.subject}\n\n${message.body}` : message.body,
    outcome: 'SENT',
    occurredAt: message.sentAt!,
    userId: message.sentById,
  });
  await em.flush();
  return { status: MessageStatus.SENT };
}

export async function markMessageFailed(deps: AppDeps, data: SendMessageJob, error: string): Promise<void> {
  await runAsTenant(data.organizationId, () =>
    forkForTenant(deps.orm, data.organizationId).nativeUpdate(
      OutboundMessage,
      { id: data.messageId, status: MessageStatus.QUEUED },
      { status: MessageStatus.FAILED, error: error.slice(0, 500) },
    ),
  );
}
