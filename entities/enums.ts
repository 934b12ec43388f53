import { registerEnumType } from 'type-graphql';

/** Enums shared by entities and the GraphQL schema, registered once here. */
export enum Role {
  OWNER = 'OWNER',
  ADMIN = 'ADMIN',
  AGENT = 'AGENT',
  VIEWER = 'VIEWER',
}

export enum PropertyType {
  SINGLE_FAMILY = 'SINGLE_FAMILY',
  MULTI_FAMILY = 'MULTI_FAMILY',
  CONDO = 'CONDO',
  TOWNHOUSE = 'TOWNHOUSE',
  MOBILE = 'MOBILE',
  LAND = 'LAND',
  COMMERCIAL = 'COMMERCIAL',
}

export enum GeocodeStatus {
  PENDING = 'PENDING',
  DONE = 'DONE',
  NOT_FOUND = 'NOT_FOUND',
  FAILED = 'FAILED',
}

export enum LeadSource {
  DIRECT_MAIL = 'DIRECT_MAIL',
  COLD_CALL = 'COLD_CALL',
  SMS = 'SMS',
  PPC = 'PPC',
  SEO = 'SEO',
  REFERRAL = 'REFERRAL',
  DRIVING_FOR_DOLLARS = 'DRIVING_FOR_DOLLARS',
  LIST_IMPORT = 'LIST_IMPORT',
  OTHER = 'OTHER',
}

export enum LeadStatus {
  NEW = 'NEW',
  CONTACTED = 'CONTACTED',
  QUALIFIED = 'QUALIFIED',
  NURTURE = 'NURTURE',
  DEAD = 'DEAD',
}

export enum ActivityType {
  CALL = 'CALL',
  SMS = 'SMS',
  EMAIL = 'EMAIL',
  NOTE = 'NOTE',
  MEETING = 'MEETING',
  VOICEMAIL = 'VOICEMAIL',
  MAIL = 'MAIL',
}

export enum Direction {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
  INTERNAL = 'INTERNAL',
}

export enum DealStage {
  NEW = 'NEW',
  CONTACTED = 'CONTACTED',
  APPOINTMENT_SET = 'APPOINTMENT_SET',
  OFFER_MADE = 'OFFER_MADE',
  NEGOTIATION = 'NEGOTIATION',
  UNDER_CONTRACT = 'UNDER_CONTRACT',
  CLOSED_WON = 'CLOSED_WON',
  CLOSED_LOST = 'CLOSED_LOST',
}

export enum EnrichmentStatus {
  NONE = 'NONE',
  PENDING = 'PENDING',
  DONE = 'DONE',
  NO_DATA = 'NO_DATA',
  FAILED = 'FAILED',
}

export enum MemoStatus {
  PENDING = 'PENDING',
  READY = 'READY',
  FAILED = 'FAILED',
}

export enum MessageStatus {
  QUEUED = 'QUEUED',
  SENT = 'SENT',
  /** Refused at send time: do-not-contact, opted out, or no consent. */
  BLOCKED = 'BLOCKED',
  FAILED = 'FAILED',
  /** SMS: the carrier reported delivery to the handset. */
  DELIVERED = 'DELIVERED',
  /** SMS: the carrier could not deliver it (unreachable, blocked). */
  UNDELIVERED = 'UNDELIVERED',
}

export enum CampaignStatus {
  DRAFT = 'DRAFT',
  /** Launched with a start time in the future; sends wait until then. */
  SCHEDULED = 'SCHEDULED',
  RUNNING = 'RUNNING',
  PAUSED = 'PAUSED',
  COMPLETED = 'COMPLETED',
  CANCELLED = 'CANCELLED',
}

export enum RecipientStatus {
  QUEUED = 'QUEUED',
  /** Claimed by a worker; the send is in flight. */
  SENDING = 'SENDING',
  /** Accepted by the mail server or SMS provider. */
  SENT = 'SENT',
  /** The SMS provider reported delivery to the handset. */
  DELIVERED = 'DELIVERED',
  /** Refused for good after it was sent or at the server (SMTP 5xx, undeliverable SMS). */
  BOUNCED = 'BOUNCED',
  /** The email's open pixel was loaded. */
  OPENED = 'OPENED',
  /** A tracked link in the email was followed. */
  CLICKED = 'CLICKED',
  /** The lead answered (an inbound SMS). */
  REPLIED = 'REPLIED',
  /** The lead opted out in answer to this message (unsubscribe link, SMS STOP). */
  OPTED_OUT = 'OPTED_OUT',
  SKIPPED = 'SKIPPED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

export enum ImportKind {
  LEADS = 'LEADS',
  PROPERTIES = 'PROPERTIES',
}

export enum ImportStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  /** Every row was read; some may be reported as invalid or duplicate. */
  COMPLETED = 'COMPLETED',
  /**
   * The file could not be read on (not CSV, not UTF-8, too large, broken quoting); rows before the problem stay
   * imported.
   */
  FAILED = 'FAILED',
}

export enum ImportIssueKind {
  INVALID = 'INVALID',
  DUPLICATE = 'DUPLICATE',
}

export enum InboundKind {
  OPT_OUT = 'OPT_OUT',
  OPT_IN = 'OPT_IN',
  HELP = 'HELP',
  REPLY = 'REPLY',
}

export enum SkipReason {
  OPTED_OUT = 'OPTED_OUT',
  NO_CONSENT = 'NO_CONSENT',
  DNC = 'DNC',
  INVALID_ADDRESS = 'INVALID_ADDRESS',
  FREQUENCY_CAP = 'FREQUENCY_CAP',
  /** Outside the sending window in the recipient's local time; still QUEUED, sent when it opens. */
  QUIET_HOURS_DEFERRED = 'QUIET_HOURS_DEFERRED',
  /** On the suppression list: an earlier message hard-bounced (or drew a complaint). */
  BOUNCED_BEFORE = 'BOUNCED_BEFORE',
  /** Another lead of the same campaign has this email or phone; that recipient gets the one copy. */
  DUPLICATE_CONTACT = 'DUPLICATE_CONTACT',
}

export enum SuppressionReason {
  HARD_BOUNCE = 'HARD_BOUNCE',
  COMPLAINT = 'COMPLAINT',
}

export enum MessageChannel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
}

export enum ConsentStatus {
  OPTED_IN = 'OPTED_IN',
  OPTED_OUT = 'OPTED_OUT',
}

export enum UnderwritingKind {
  FLIP = 'FLIP',
  RENTAL = 'RENTAL',
  DCF = 'DCF',
}

export const CLOSED_STAGES: ReadonlySet<DealStage> = new Set([DealStage.CLOSED_WON, DealStage.CLOSED_LOST]);

export enum TaskType {
  CALL = 'CALL',
  TEXT = 'TEXT',
  EMAIL = 'EMAIL',
  FOLLOW_UP = 'FOLLOW_UP',
  APPOINTMENT = 'APPOINTMENT',
  SITE_VISIT = 'SITE_VISIT',
  OFFER = 'OFFER',
  OTHER = 'OTHER',
}

export enum TaskStatus {
  OPEN = 'OPEN',
  DONE = 'DONE',
  CANCELED = 'CANCELED',
}

export enum TaskPriority {
  LOW = 'LOW',
  NORMAL = 'NORMAL',
  HIGH = 'HIGH',
  URGENT = 'URGENT',
}

export enum RecurrenceUnit {
  DAYS = 'DAYS',
  WEEKS = 'WEEKS',
}

export enum NotificationKind {
  TASK_DUE = 'TASK_DUE',
  TASK_ASSIGNED = 'TASK_ASSIGNED',
  LEAD_ASSIGNED = 'LEAD_ASSIGNED',
  DEAL_ASSIGNED = 'DEAL_ASSIGNED',
  DEAL_MOVED = 'DEAL_MOVED',
  REPLY_RECEIVED = 'REPLY_RECEIVED',
  JOB_FINISHED = 'JOB_FINISHED',
  MENTION = 'MENTION',
  /** An automation rule's NOTIFY action. */
  AUTOMATION = 'AUTOMATION',
  /** An automation rule failed too often and was turned off (to the organization's owners and admins). */
  AUTOMATION_DISABLED = 'AUTOMATION_DISABLED',
  /** A webhook endpoint kept failing for WEBHOOK_DISABLE_AFTER_DAYS and was turned off (to owners and admins). */
  WEBHOOK_DISABLED = 'WEBHOOK_DISABLED',
}

export enum SequenceStatus {
  ACTIVE = 'ACTIVE',
  /** Steps that come due wait; resuming schedules them again. */
  PAUSED = 'PAUSED',
  /** Running enrollments were ended; nothing new can be enrolled. */
  ARCHIVED = 'ARCHIVED',
}

export enum SequenceStepType {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  TASK = 'TASK',
  WAIT = 'WAIT',
  /** Wait until a time of day in the lead's local time (inside the sequence's sending window). */
  WAIT_UNTIL = 'WAIT_UNTIL',
}

export enum WaitUnit {
  SECONDS = 'SECONDS',
  MINUTES = 'MINUTES',
  HOURS = 'HOURS',
  DAYS = 'DAYS',
  /** Monday to Friday in the organization's time zone. */
  BUSINESS_DAYS = 'BUSINESS_DAYS',
}

export enum EnrollmentStatus {
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  EXITED = 'EXITED',
}

export enum EnrollmentSource {
  MANUAL = 'MANUAL',
  FILTER = 'FILTER',
  IMPORT = 'IMPORT',
  RULE = 'RULE',
}

export enum SequenceStepStatus {
  SCHEDULED = 'SCHEDULED',
  /** Claimed by a worker that is sending it. */
  SENDING = 'SENDING',
  SENT = 'SENT',
  /** A task step: the task was created. */
  DONE = 'DONE',
  SKIPPED = 'SKIPPED',
  FAILED = 'FAILED',
  /** The enrollment ended before the step's time. */
  CANCELLED = 'CANCELLED',
}

export enum AutomationTrigger {
  LEAD_CREATED = 'LEAD_CREATED',
  LEAD_STATUS_CHANGED = 'LEAD_STATUS_CHANGED',
  LEAD_ASSIGNED = 'LEAD_ASSIGNED',
  DEAL_STAGE_CHANGED = 'DEAL_STAGE_CHANGED',
  MESSAGE_RECEIVED = 'MESSAGE_RECEIVED',
  TASK_OVERDUE = 'TASK_OVERDUE',
  LEAD_INACTIVE = 'LEAD_INACTIVE',
  IMPORT_FINISHED = 'IMPORT_FINISHED',
}

export enum WebhookDeliveryStatus {
  /** Waiting for its first try. */
  PENDING = 'PENDING',
  /** A try failed; the next is scheduled (nextAttemptAt). */
  RETRYING = 'RETRYING',
  SUCCEEDED = 'SUCCEEDED',
  /** Every try of the schedule failed (or the endpoint was disabled); replayWebhookDelivery sends it again. */
  FAILED = 'FAILED',
}

export enum AutomationRunStatus {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  /** Some actions ran, others were skipped or failed. */
  PARTIAL = 'PARTIAL',
  FAILED = 'FAILED',
  /** Not run: the depth limit or the per-object rate limit. */
  SKIPPED = 'SKIPPED',
}

export enum AutomationActionType {
  ASSIGN = 'ASSIGN',
  CREATE_TASK = 'CREATE_TASK',
  ENROLL_IN_SEQUENCE = 'ENROLL_IN_SEQUENCE',
  REMOVE_FROM_SEQUENCE = 'REMOVE_FROM_SEQUENCE',
  SEND_TEMPLATE = 'SEND_TEMPLATE',
  ADD_TAGS = 'ADD_TAGS',
  REMOVE_TAGS = 'REMOVE_TAGS',
  SET_STATUS = 'SET_STATUS',
  NOTIFY = 'NOTIFY',
  /** Sends the run to one webhook endpoint as an `automation.rule` event (docs/integrations.md). */
  CALL_WEBHOOK = 'CALL_WEBHOOK',
}

export enum ConditionField {
  SOURCE = 'SOURCE',
  STATUS = 'STATUS',
  /** The lead's property's tags. */
  TAGS = 'TAGS',
  /** The deal's stage (deal triggers). */
  STAGE = 'STAGE',
  SCORE = 'SCORE',
  ASSIGNED = 'ASSIGNED',
  PROPERTY_STATE = 'PROPERTY_STATE',
  PROPERTY_ZIP = 'PROPERTY_ZIP',
}

export enum ConditionOperator {
  EQUALS = 'EQUALS',
  NOT_EQUALS = 'NOT_EQUALS',
  IN = 'IN',
  NOT_IN = 'NOT_IN',
  /** TAGS: has every one of the values. */
  CONTAINS_ALL = 'CONTAINS_ALL',
  /** TAGS: has at least one of the values. */
  CONTAINS_ANY = 'CONTAINS_ANY',
  AT_LEAST = 'AT_LEAST',
  AT_MOST = 'AT_MOST',
  IS_TRUE = 'IS_TRUE',
  IS_FALSE = 'IS_FALSE',
}

registerEnumType(Role, { name: 'Role', description: 'What a user may do in their organization' });
registerEnumType(PropertyType, { name: 'PropertyType' });
registerEnumType(GeocodeStatus, { name: 'GeocodeStatus', description: 'State of the background geocoding job' });
registerEnumType(LeadSource, { name: 'LeadSource' });
registerEnumType(LeadStatus, { name: 'LeadStatus' });
registerEnumType(ActivityType, { name: 'ActivityType' });
registerEnumType(Direction, { name: 'Direction' });
registerEnumType(DealStage, { name: 'DealStage' });
registerEnumType(EnrichmentStatus, {
  name: 'EnrichmentStatus',
  description: 'State of the hazards/owner-facts enrichment job',
});
registerEnumType(MemoStatus, { name: 'MemoStatus' });
registerEnumType(MessageChannel, { name: 'MessageChannel' });
registerEnumType(CampaignStatus, { name: 'CampaignStatus' });
registerEnumType(RecipientStatus, { name: 'RecipientStatus' });
registerEnumType(SkipReason, {
  name: 'SkipReason',
  description: 'Why a recipient was skipped (or, for QUIET_HOURS_DEFERRED, is waiting)',
});
registerEnumType(MessageStatus, {
  name: 'MessageStatus',
  description:
    'QUEUED until the outreach worker sends it (SENT), refuses it at the consent check (BLOCKED) or gives up (FAILED)',
});
registerEnumType(ConsentStatus, { name: 'ConsentStatus' });
registerEnumType(ImportKind, { name: 'ImportKind' });
registerEnumType(ImportStatus, { name: 'ImportStatus' });
registerEnumType(ImportIssueKind, {
  name: 'ImportIssueKind',
  description:
    'INVALID: a value failed validation (nothing from the row was stored); DUPLICATE: the record exists ' +
    'already or appeared earlier in the file',
});
registerEnumType(SuppressionReason, {
  name: 'SuppressionReason',
  description: 'Why a contact point is suppressed: a permanent delivery failure, or a spam complaint',
});
registerEnumType(InboundKind, {
  name: 'InboundKind',
  description:
    'What an inbound message was taken as: STOP-type keyword (OPT_OUT), START-type (OPT_IN), HELP, or a reply',
});
registerEnumType(UnderwritingKind, { name: 'UnderwritingKind', description: 'Which analysis an underwriting holds' });
registerEnumType(TaskType, { name: 'TaskType' });
registerEnumType(TaskStatus, { name: 'TaskStatus' });
registerEnumType(TaskPriority, { name: 'TaskPriority' });
registerEnumType(RecurrenceUnit, { name: 'RecurrenceUnit' });
registerEnumType(NotificationKind, { name: 'NotificationKind', description: 'What a notification is about' });
registerEnumType(SequenceStatus, { name: 'SequenceStatus' });
registerEnumType(SequenceStepType, { name: 'SequenceStepType' });
registerEnumType(WaitUnit, { name: 'WaitUnit' });
registerEnumType(EnrollmentStatus, { name: 'EnrollmentStatus' });
registerEnumType(EnrollmentSource, { name: 'EnrollmentSource', description: 'How a lead came into a sequence' });
registerEnumType(SequenceStepStatus, { name: 'SequenceStepStatus' });
registerEnumType(AutomationTrigger, { name: 'AutomationTrigger' });
registerEnumType(AutomationRunStatus, { name: 'AutomationRunStatus' });
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });
registerEnumType(AutomationActionType, { name: 'AutomationActionType' });
registerEnumType(ConditionField, { name: 'ConditionField', description: 'What an automation condition looks at' });
registerEnumType(ConditionOperator, { name: 'ConditionOperator' });
