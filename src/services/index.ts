import { ActivityService } from './ActivityService.js';
import { AuthService } from './AuthService.js';
import { CampaignService } from './CampaignService.js';
import { ConsentService } from './ConsentService.js';
import { DealService } from './DealService.js';
import { ImportService } from './ImportService.js';
import { JobService } from './JobService.js';
import { LeadService } from './LeadService.js';
import { MemoService } from './MemoService.js';
import { MessageService } from './MessageService.js';
import { PropertyService } from './PropertyService.js';
import { SmsService } from './SmsService.js';
import { SuppressionService } from './SuppressionService.js';
import { TemplateService } from './TemplateService.js';
import type { ServiceScope } from './scope.js';
import { UnderwritingService } from './UnderwritingService.js';
import { UserService } from './UserService.js';

/** Every service for one scope (request, job or subscription event). */
export function createServices(scope: ServiceScope) {
  return {
    auth: new AuthService(scope.deps),
    users: new UserService(scope),
    properties: new PropertyService(scope),
    leads: new LeadService(scope),
    activities: new ActivityService(scope),
    deals: new DealService(scope),
    underwritings: new UnderwritingService(scope),
    memos: new MemoService(scope),
    jobs: new JobService(scope),
    templates: new TemplateService(scope),
    consent: new ConsentService(scope),
    messages: new MessageService(scope),
    campaigns: new CampaignService(scope),
    sms: new SmsService(scope),
    imports: new ImportService(scope),
    suppressions: new SuppressionService(scope),
  };
}

export type Services = ReturnType<typeof createServices>;
export type { AppDeps, ServiceScope } from './scope.js';
