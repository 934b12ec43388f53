import { MessageTemplate, Suppression } from '../../../entities/index.js';
import { MessageChannel, SequenceStepStatus, SequenceStepType, SuppressionReason } from '../../../entities/enums.js';
import { textToHtml } from '../../platform/mail/html.js';
import { isPermanentSmtpFailure } from '../../platform/mail/Mailer.js';
import { SmsSendError } from '../../platform/providers/sms/index.js';
import { withOptOutNotice } from '../outreach/template.js';
import { loadSender, renderForLead, type Sender } from '../outreach/TemplateService.js';
import type { ServiceScope } from '../scope.js';
import type { StepState } from './step-state.js';

export interface Rendered {
  subject: string | null;
  body: string;
  templateId: string;
}

export type SendOutcome =
  | { state: StepState; sent: { message: Rendered; providerMessageId: string } }
  | { state: StepState; refused: string }
  | { state: StepState; retry: Error };

/**
 * The side effect of a batch of claimed send steps: each rendered (templates and sender read once
 * per batch) and sent concurrently — an email with a Message-ID derived from the step, so a resend
 * after a crash is the same message; a text taken over from a dead worker is first looked up at the
 * gateway, so it is never sent twice. A refusal for good suppresses the address; anything else is
 * for the job's retry.
 */
/** Templates and senders read once per process per 30 s (as campaigns do), instead of for every batch. */
const cache = new Map<string, { at: number; value: Promise<unknown> }>();
function cached<T>(key: string, load: () => Promise<T>): Promise<T> {
  const hit = cache.get(key);
  if (hit && Date.now() - hit.at < 30_000) return hit.value as Promise<T>;
  const value = load();
  value.catch(() => cache.delete(key));
  if (cache.size > 1_000) cache.clear();
  cache.set(key, { at: Date.now(), value });
  return value;
}

export async function sendClaimed(scope: ServiceScope, states: StepState[]): Promise<SendOutcome[]> {
  const template = (id: string) =>
    cached(`template:${id}`, () => scope.em.findOne(MessageTemplate, { id }, { disableIdentityMap: true }));
  const sender = (userId: string | null, org: string) =>
    cached<Sender>(`sender:${org}:${userId}`, () => loadSender(scope.em, userId, org));
  return Promise.all(
    states.map(async (state): Promise<SendOutcome> => {
      try {
        const t = await template(state.steps[state.run.stepIndex]!.templateId!);
        if (!t) return { state, refused: 'The template was deleted' };
        const from = await sender(state.sequence.createdById, state.lead.organizationId);
        const rendered = await renderForLead(scope.em, t, state.lead, from);
        const sms = state.run.kind === SequenceStepType.SMS;
        const message = {
          subject: rendered.subject ?? null,
          body: sms ? withOptOutNotice(rendered.body) : rendered.body,
          templateId: t.id,
        };
        return { state, sent: { message, providerMessageId: await deliver(scope, state, message) } };
      } catch (err) {
        return (await refusedForGood(scope, state, err as Error))
          ? { state, refused: (err as Error).message }
          : { state, retry: err as Error };
      }
    }),
  );
}

async function deliver(scope: ServiceScope, state: StepState, message: Rendered): Promise<string> {
  const { deps } = scope;
  const { run, lead } = state;
  if (run.kind === SequenceStepType.SMS) {
    const sms = { from: state.organization.smsNumber!, to: state.to!, body: message.body };
    const takeover = run.status === SequenceStepStatus.SENDING;
    const earlier = takeover ? await deps.sms.findSent({ ...sms, since: run.updatedAt }) : null;
    if (earlier) return earlier;
    const statusCallbackUrl = `${deps.config.publicUrl}/webhooks/twilio/status?org=${lead.organizationId}`;
    return (await deps.sms.send({ organizationId: lead.organizationId, ...sms, statusCallbackUrl })).providerMessageId;
  }
  return deps.mailer.send({
    from: deps.config.mailFrom,
    to: state.to!,
    subject: message.subject ?? '',
    text: message.body,
    html: textToHtml(message.body),
    messageId: `<${run.id}@${lead.organizationId}.realestateos>`,
    headers: { 'X-Reos-Sequence-Id': run.sequenceId, 'X-Reos-Step-Run-Id': run.id },
  });
}

/** A refusal for good (a 5xx, an invalid or blocked number) suppresses the address and is final. */
async function refusedForGood(scope: ServiceScope, state: StepState, err: Error): Promise<boolean> {
  const permanent = err instanceof SmsSendError ? err.permanent : isPermanentSmtpFailure(err);
  if (!permanent) return false;
  const channel = state.run.kind === SequenceStepType.SMS ? MessageChannel.SMS : MessageChannel.EMAIL;
  await scope.em
    .getRepository(Suppression)
    .suppress(state.lead.organizationId, channel, state.to!, SuppressionReason.HARD_BOUNCE, err.message);
  return true;
}
