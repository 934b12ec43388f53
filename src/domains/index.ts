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

/**
 * How each service is made for a scope. A request makes only the services it uses, on first use:
 * most operations use one or two of these, and making all of them was a measurable share of a small
 * query's CPU (docs/architecture.md, Performance). Constructors only keep the scope.
 */
const FACTORIES = {
  auth: (scope: ServiceScope) => new AuthService(scope.deps),
  passwords: (scope: ServiceScope) => new PasswordService(scope.deps),
  registrations: (scope: ServiceScope) => new RegistrationService(scope.deps),
  sessions: (scope: ServiceScope) => new SessionService(scope),
  audit: (scope: ServiceScope) => new AuditService(scope),
  users: (scope: ServiceScope) => new UserService(scope),
  properties: (scope: ServiceScope) => new PropertyService(scope),
  enrichment: (scope: ServiceScope) => new PropertyEnrichmentService(scope),
  leads: (scope: ServiceScope) => new LeadService(scope),
  activities: (scope: ServiceScope) => new ActivityService(scope),
  deals: (scope: ServiceScope) => new DealService(scope),
  underwritings: (scope: ServiceScope) => new UnderwritingService(scope),
  memos: (scope: ServiceScope) => new MemoService(scope),
  jobs: (scope: ServiceScope) => new JobService(scope),
  templates: (scope: ServiceScope) => new TemplateService(scope),
  consent: (scope: ServiceScope) => new ConsentService(scope),
  messages: (scope: ServiceScope) => new MessageService(scope),
  conversations: (scope: ServiceScope) => new ConversationService(scope),
  campaigns: (scope: ServiceScope) => new CampaignService(scope),
  campaignSends: (scope: ServiceScope, all: { campaigns: CampaignService }) => new CampaignSender(scope, all.campaigns),
  sms: (scope: ServiceScope) => new SmsService(scope),
  smsEvents: (scope: ServiceScope) => new SmsEventService(scope),
  engagement: (scope: ServiceScope) => new EngagementService(scope),
  imports: (scope: ServiceScope) => new ImportService(scope),
  importRuns: (scope: ServiceScope) => new ImportRunner(scope),
  suppressions: (scope: ServiceScope) => new SuppressionService(scope),
  tasks: (scope: ServiceScope) => new TaskService(scope),
  myDay: (scope: ServiceScope) => new MyDayService(scope),
  analytics: (scope: ServiceScope) => new AnalyticsService(scope),
  spend: (scope: ServiceScope) => new SpendService(scope),
  notifications: (scope: ServiceScope) => new NotificationService(scope),
  sequences: (scope: ServiceScope) => new SequenceService(scope),
  sequenceRunner: (scope: ServiceScope) => new SequenceRunner(scope),
  automation: (scope: ServiceScope) => new AutomationService(scope),
  webhooks: (scope: ServiceScope) => new WebhookService(scope),
  apiKeys: (scope: ServiceScope) => new ApiKeyService(scope),
  intake: (scope: ServiceScope) => new IntakeService(scope),
};

/** Every service for one scope (request, job or subscription event); each is made when first used. */
export type Services = { readonly [K in keyof typeof FACTORIES]: ReturnType<(typeof FACTORIES)[K]> };

/** One class for every scope's services: a getter per service makes it once and keeps it as an own property. */
class ServiceSet {
  constructor(readonly scope: ServiceScope) {}
}
for (const [name, make] of Object.entries(FACTORIES)) {
  Object.defineProperty(ServiceSet.prototype, name, {
    get(this: ServiceSet) {
      const service = make(this.scope, this as unknown as Services);
      Object.defineProperty(this, name, { value: service, enumerable: true });
      return service;
    },
  });
}

export function createServices(scope: ServiceScope): Services {
  return new ServiceSet(scope) as unknown as Services;
}

export type { ServiceScope } from './scope.js';
