import { Activity } from './Activity.js';
import { ApiKey } from './ApiKey.js';
import { AutomationRule } from './AutomationRule.js';
import { AutomationRun } from './AutomationRun.js';
import { Campaign } from './Campaign.js';
import { CampaignRecipient } from './CampaignRecipient.js';
import { ConsentRecord } from './ConsentRecord.js';
import { Deal } from './Deal.js';
import { DoNotContact } from './DoNotContact.js';
import { FailedJob } from './FailedJob.js';
import { Import } from './Import.js';
import { ImportIssue } from './ImportIssue.js';
import { InboundMessage } from './InboundMessage.js';
import { DealStageChange } from './DealStageChange.js';
import { Invitation } from './Invitation.js';
import { Lead } from './Lead.js';
import { Memo } from './Memo.js';
import { MessageTemplate } from './MessageTemplate.js';
import { MarketingSpend } from './MarketingSpend.js';
import { Notification } from './Notification.js';
import { Organization } from './Organization.js';
import { OutboundMessage } from './OutboundMessage.js';
import { Property } from './Property.js';
import { RefreshToken } from './RefreshToken.js';
import { Sequence } from './Sequence.js';
import { SequenceEnrollment } from './SequenceEnrollment.js';
import { SequenceStepRun } from './SequenceStepRun.js';
import { ShareLink } from './ShareLink.js';
import { Suppression } from './Suppression.js';
import { Task } from './Task.js';
import { Underwriting } from './Underwriting.js';
import { User } from './User.js';
import { IntakeForm } from './IntakeForm.js';
import { PasswordReset } from './PasswordReset.js';
import { WebhookAttempt } from './WebhookAttempt.js';
import { WebhookDelivery } from './WebhookDelivery.js';
import { WebhookEndpoint } from './WebhookEndpoint.js';

export {
  Activity,
  ApiKey,
  AutomationRule,
  AutomationRun,
  Campaign,
  CampaignRecipient,
  ConsentRecord,
  Deal,
  DealStageChange,
  DoNotContact,
  FailedJob,
  Import,
  ImportIssue,
  InboundMessage,
  Invitation,
  Lead,
  MarketingSpend,
  Memo,
  MessageTemplate,
  Notification,
  Organization,
  OutboundMessage,
  Property,
  RefreshToken,
  Sequence,
  SequenceEnrollment,
  SequenceStepRun,
  ShareLink,
  Suppression,
  Task,
  Underwriting,
  User,
  IntakeForm,
  PasswordReset,
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
};

/** Every entity the ORM knows. */
export const ENTITIES = [
  Organization,
  User,
  RefreshToken,
  Invitation,
  Property,
  Lead,
  Activity,
  Deal,
  DealStageChange,
  Underwriting,
  Memo,
  ShareLink,
  FailedJob,
  MessageTemplate,
  ConsentRecord,
  DoNotContact,
  OutboundMessage,
  Campaign,
  CampaignRecipient,
  InboundMessage,
  Import,
  ImportIssue,
  Suppression,
  Task,
  Notification,
  MarketingSpend,
  Sequence,
  SequenceEnrollment,
  SequenceStepRun,
  AutomationRule,
  AutomationRun,
  ApiKey,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  IntakeForm,
  PasswordReset,
];

/**
 * Entities owned by one organization through `organization_id` (all but the organization itself): filtered by the ORM
 * and by RLS.
 */
export const TENANT_ENTITIES = ENTITIES.filter((entity) => entity !== Organization);
