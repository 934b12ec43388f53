import { Activity } from './Activity.js';
import { Deal } from './Deal.js';
import { FailedJob } from './FailedJob.js';
import { DealStageChange } from './DealStageChange.js';
import { Invitation } from './Invitation.js';
import { Lead } from './Lead.js';
import { Memo } from './Memo.js';
import { MessageTemplate } from './MessageTemplate.js';
import { Organization } from './Organization.js';
import { Property } from './Property.js';
import { RefreshToken } from './RefreshToken.js';
import { ShareLink } from './ShareLink.js';
import { Underwriting } from './Underwriting.js';
import { User } from './User.js';

export { Activity, Deal, DealStageChange, FailedJob, Invitation, Lead, Memo, MessageTemplate, Organization, Property, RefreshToken, ShareLink, Underwriting, User };

/** Every entity the ORM knows. */
export const ENTITIES = [Organization, User, RefreshToken, Invitation, Property, Lead, Activity, Deal, DealStageChange, Underwriting, Memo, ShareLink, FailedJob, MessageTemplate];

/** Entities owned by one organization through `organization_id`: filtered by the ORM and by RLS. */
export const TENANT_ENTITIES = [User, RefreshToken, Invitation, Property, Lead, Activity, Deal, DealStageChange, Underwriting, Memo, ShareLink, FailedJob, MessageTemplate];
