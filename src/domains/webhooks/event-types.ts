/**
 * The event types an endpoint can subscribe to, each with the payload it carries in `data`
 * (version 1; fields are only ever added). Recorded by the database triggers of
 * Migration20261206100000_integrations; documented in docs/integrations.md.
 */
export const WEBHOOK_EVENT_TYPES: Record<string, string> = {
  'lead.created': 'A lead was created (any path: API, import, intake form, rule). data: { lead }',
  'lead.updated': 'A lead’s fields changed. data: { lead, changes: [field names] }',
  'lead.assigned': 'A lead’s assignee changed. data: { lead, previousAssignedUserId }',
  'deal.created': 'A deal was created. data: { deal }',
  'deal.moved': 'A deal moved to another stage. data: { deal, fromStage, toStage }',
  'deal.updated': 'A deal’s other fields changed. data: { deal, changes }',
  'activity.logged': 'A call, text, email, note, meeting, voicemail or mail was logged. data: { activity }',
  'task.created': 'data: { task }',
  'task.updated': 'data: { task, changes }',
  'task.completed': 'data: { task }',
  'task.deleted': 'data: { task }',
  'message.received': 'An inbound SMS or email reply. data: { message }',
  'campaign.completed': 'Every recipient of a campaign was handled. data: { campaign: { …, recipients: {status: n} } }',
  'import.completed': 'An import finished (status COMPLETED or FAILED). data: { import }',
  'memo.ready': 'An investment memo PDF is ready. data: { memo }',
  'memo.failed': 'An investment memo could not be made. data: { memo }',
};

/** Sent by an automation rule's CALL_WEBHOOK action, to the endpoint it names (not subscribable). */
export const AUTOMATION_EVENT_TYPE = 'automation.rule';

/** Sent only by sendTestWebhook, to the one endpoint. */
export const TEST_EVENT_TYPE = 'webhook.test';
