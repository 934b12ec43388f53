import type { EntityManager } from '@mikro-orm/postgresql';
import { MessageTemplate, Organization, type Campaign } from '../../../entities/index.js';
import type { AppDeps } from '../../platform/deps.js';
import { mapUrls, textToHtml } from '../../platform/mail/html.js';
import { clickToken, signRecipient } from './tracking.js';
import { unsubscribeToken } from './unsubscribe.js';
import { loadSender, type Sender } from './TemplateService.js';

/** What every send of a campaign shares: the template (fixed once launched), the sender's names, the SMS number. */
export interface SharedContent {
  template: MessageTemplate | null;
  sender: Sender;
  /** The organization's SMS number (SMS campaigns send from it). */
  smsNumber: string | null;
}

/** Read once per campaign per process and kept for 30 s, instead of three reads per message. Keyed by campaign id. */
const cache = new Map<string, { at: number; value: Promise<SharedContent> }>();

export function sharedContent(em: EntityManager, campaign: Campaign): Promise<SharedContent> {
  const hit = cache.get(campaign.id);
  if (hit && Date.now() - hit.at < 30_000) return hit.value;
  const value = Promise.all([
    em.findOne(MessageTemplate, { id: campaign.templateId }),
    loadSender(em, campaign.createdById, campaign.organizationId),
    em.findOne(Organization, { id: campaign.organizationId }, { fields: ['id', 'smsNumber'] as never }),
  ]).then(([template, sender, org]) => ({ template, sender, smsNumber: org?.smsNumber ?? null }));
  value.catch(() => cache.delete(campaign.id));
  if (cache.size > 1_000) cache.clear();
  cache.set(campaign.id, { at: Date.now(), value });
  return value;
}

/**
 * The campaign email: links tracked (`/t/c/…`) and an open pixel (`/t/o/…`) unless EMAIL_TRACKING
 * is off, an unsubscribe footer and RFC 8058 headers, and a Message-ID derived from the recipient
 * (so a resend after a crash is recognised as the same message). Resolves to the provider's id.
 */
export function sendCampaignEmail(
  deps: AppDeps,
  campaign: Campaign,
  recipient: { id: string; toAddress?: string },
  message: { subject?: string | null; body: string },
): Promise<string> {
  const { config } = deps;
  const org = campaign.organizationId;
  const base = config.publicUrl;
  const unsubscribeUrl = `${base}/u/${unsubscribeToken(config.jwtSecret, org, recipient.id)}`;
  const track = config.emailTracking
    ? (url: string) => `${base}/t/c/${clickToken(config.jwtSecret, org, recipient.id, url)}`
    : (url: string) => url;
  const pixel = config.emailTracking
    ? `<img src="${base}/t/o/${signRecipient(config.jwtSecret, 'open', org, recipient.id)}" width="1" height="1"` +
      ` alt="" style="display:block;border:0">`
    : '';
  const footer =
    `<p style="font-size:12px;color:#666"><a href="${unsubscribeUrl}">Unsubscribe</a>` + ' from these emails.</p>';
  return deps.mailer.send({
    from: config.mailFrom,
    to: recipient.toAddress!,
    subject: message.subject ?? '',
    text: `${mapUrls(message.body, track)}\n\n--\nTo stop receiving these emails: ${unsubscribeUrl}`,
    html: textToHtml(message.body, footer + pixel, track),
    messageId: `<${recipient.id}@${org}.realestateos>`,
    headers: {
      'X-Reos-Campaign-Id': campaign.id,
      'X-Reos-Recipient-Id': recipient.id,
      'List-Unsubscribe': `<${unsubscribeUrl}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
  });
}
