import { ActivityService } from './leads/ActivityService.js';
import { AnalyticsService } from './analytics/AnalyticsService.js';
import { SpendService } from './analytics/SpendService.js';
import { AuthService } from './auth/AuthService.js';
import { AutomationService } from './automation/AutomationService.js';
import { CampaignSender } from './outreach/CampaignSender.js';
import { CampaignService } from './outreach/CampaignService.js';
import { ConsentService } from './outreach/ConsentService.js';
import { ConversationService } from './outreach/ConversationService.js';
import { DealService } from './deals/DealService.js';
import { EngagementService } from './outreach/EngagementService.js';
import { ImportRunner } from './imports/ImportRunner.js';
import { ImportService } from './imports/ImportService.js';
import { JobService } from '../platform/jobs/JobService.js';
import { LeadService } from './leads/LeadService.js';
import { MemoService } from './memos/MemoService.js';
import { NotificationService } from './notifications/NotificationService.js';
import { MyDayService } from './tasks/MyDayService.js';
import { TaskService } from './tasks/TaskService.js';
import { MessageService } from './outreach/MessageService.js';
import { PropertyEnrichmentService } from './properties/PropertyEnrichmentService.js';
import { PropertyService } from './properties/PropertyService.js';
import { SequenceRunner } from './sequences/SequenceRunner.js';
import { SequenceService } from './sequences/SequenceService.js';
import { SmsEventService } from './outreach/SmsEventService.js';
import { SmsService } from './outreach/SmsService.js';
import { SuppressionService } from './outreach/SuppressionService.js';
import { TemplateService } from './outreach/TemplateService.js';
import type { ServiceScope } from './scope.js';
import { UnderwritingService } from './underwriting/UnderwritingService.js';
import { UserService } from './auth/UserService.js';
import { WebhookService } from './webhooks/WebhookService.js';
import { ApiKeyService } from './auth/ApiKeyService.js';
import { PasswordService } from './auth/PasswordService.js';
import { RegistrationService } from './auth/RegistrationService.js';
import { SessionService } from './auth/SessionService.js';
import { AuditService } from './audit/AuditService.js';
import { IntakeService } from './intake/IntakeService.js';

/** Every service for one scope (request, job or subscription event). */
export function createServices(scope: ServiceScope) {
  const campaigns = new CampaignService(scope);
  return {
    auth: new AuthService(scope.deps),
    passwords: new PasswordService(scope.deps),
    registrations: new RegistrationService(scope.deps),
    sessions: new SessionService(scope),
    audit: new AuditService(scope),
    users: new UserService(scope),
    properties: new PropertyService(scope),
    enrichment: new PropertyEnrichmentService(scope),
    leads: new LeadService(scope),
    activities: new ActivityService(scope),
    deals: new DealService(scope),
    underwritings: new UnderwritingService(scope),
    memos: new MemoService(scope),
    jobs: new JobService(scope),
    templates: new TemplateService(scope),
    consent: new ConsentService(scope),
    messages: new MessageService(scope),
    conversations: new ConversationService(scope),
    campaigns,
    campaignSends: new CampaignSender(scope, campaigns),
    sms: new SmsService(scope),
    smsEvents: new SmsEventService(scope),
    engagement: new EngagementService(scope),
    imports: new ImportService(scope),
    importRuns: new ImportRunner(scope),
    suppressions: new SuppressionService(scope),
    tasks: new TaskService(scope),
    myDay: new MyDayService(scope),
    analytics: new AnalyticsService(scope),
    spend: new SpendService(scope),
    notifications: new NotificationService(scope),
    sequences: new SequenceService(scope),
    sequenceRunner: new SequenceRunner(scope),
    automation: new AutomationService(scope),
    webhooks: new WebhookService(scope),
    apiKeys: new ApiKeyService(scope),
    intake: new IntakeService(scope),
  };
}

export type Services = ReturnType<typeof createServices>;
export type { ServiceScope } from './scope.js';
