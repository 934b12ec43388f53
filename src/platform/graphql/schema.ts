import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { DateTimeISO } from './scalars.js';
import { ActivityResolver } from '../../../resolvers/activities/ActivityResolver.js';
import { AuthResolver } from '../../../resolvers/auth/AuthResolver.js';
import { AuditResolver } from '../../../resolvers/audit/AuditResolver.js';
import { DealResolver, DealStageChangeResolver } from '../../../resolvers/deals/DealResolver.js';
import { JobResolver } from '../../../resolvers/jobs/JobResolver.js';
import { LeadResolver } from '../../../resolvers/leads/LeadResolver.js';
import { DealMemosResolver, MemoResolver } from '../../../resolvers/memos/MemoResolver.js';
import { ConsentResolver } from '../../../resolvers/outreach/ConsentResolver.js';
import { CampaignRecipientResolver, CampaignResolver } from '../../../resolvers/outreach/CampaignResolver.js';
import { SmsResolver } from '../../../resolvers/outreach/SmsResolver.js';
import { SuppressionResolver } from '../../../resolvers/outreach/SuppressionResolver.js';
import { ImportResolver } from '../../../resolvers/imports/ImportResolver.js';
import { MessageResolver } from '../../../resolvers/outreach/MessageResolver.js';
import { TemplateResolver } from '../../../resolvers/outreach/TemplateResolver.js';
import { PipelineResolver } from '../../../resolvers/pipeline/PipelineResolver.js';
import { PropertyResolver } from '../../../resolvers/properties/PropertyResolver.js';
import { PropertyDataResolver } from '../../../resolvers/underwriting/PropertyDataResolver.js';
import { ScoreResolver } from '../../../resolvers/underwriting/ScoreResolver.js';
import {
  DealUnderwritingsResolver,
  UnderwritingResolver,
} from '../../../resolvers/underwriting/UnderwritingResolver.js';
import { InvitationResolver, UserResolver } from '../../../resolvers/users/UserResolver.js';
import { NotificationResolver } from '../../../resolvers/notifications/NotificationResolver.js';
import {
  AnalyticsResolver,
  CampaignPerformanceResolver,
  TeamMemberResolver,
} from '../../../resolvers/analytics/AnalyticsResolver.js';
import { ConversationResolver } from '../../../resolvers/outreach/ConversationResolver.js';
import { MyDayResolver } from '../../../resolvers/tasks/MyDayResolver.js';
import { TaskResolver } from '../../../resolvers/tasks/TaskResolver.js';
import { SequenceEnrollmentResolver, SequenceResolver } from '../../../resolvers/sequences/SequenceResolver.js';
import { AutomationResolver, AutomationRunResolver } from '../../../resolvers/automation/AutomationResolver.js';
import { ApiKeyResolver } from '../../../resolvers/integrations/ApiKeyResolver.js';
import { IntakeResolver } from '../../../resolvers/integrations/IntakeResolver.js';
import { WebhookDeliveryResolver, WebhookResolver } from '../../../resolvers/integrations/WebhookResolver.js';
import { authChecker } from '../auth/auth-checker.js';

export const RESOLVERS = [
  AuthResolver,
  AuditResolver,
  UserResolver,
  InvitationResolver,
  PropertyResolver,
  LeadResolver,
  ActivityResolver,
  DealResolver,
  DealStageChangeResolver,
  PipelineResolver,
  UnderwritingResolver,
  DealUnderwritingsResolver,
  ScoreResolver,
  PropertyDataResolver,
  MemoResolver,
  DealMemosResolver,
  JobResolver,
  TaskResolver,
  MyDayResolver,
  ConversationResolver,
  AnalyticsResolver,
  TeamMemberResolver,
  CampaignPerformanceResolver,
  NotificationResolver,
  TemplateResolver,
  ConsentResolver,
  MessageResolver,
  CampaignResolver,
  SmsResolver,
  SuppressionResolver,
  ImportResolver,
  CampaignRecipientResolver,
  SequenceResolver,
  SequenceEnrollmentResolver,
  AutomationResolver,
  WebhookResolver,
  WebhookDeliveryResolver,
  ApiKeyResolver,
  IntakeResolver,
  AutomationRunResolver,
] as const;

export function buildAppSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    authChecker,
    pubSub,
    validate: false,
    emitSchemaFile: false,
    scalarsMap: [{ type: Date, scalar: DateTimeISO }],
  });
}

/** A pub/sub that refuses to be used; enough to build the schema for printing. */
const PRINT_ONLY_PUBSUB: PubSub = {
  publish() {
    throw new Error('print-only schema');
  },
  subscribe() {
    throw new Error('print-only schema');
  },
};

/** The SDL committed as schema.graphql: sorted so diffs only show real changes. */
export async function printAppSchema(): Promise<string> {
  const schema = await buildAppSchema(PRINT_ONLY_PUBSUB);
  return printSchema(lexicographicSortSchema(schema)) + '\n';
}
