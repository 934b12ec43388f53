import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ApiKey } from '../../entities/ApiKey.js';
import { LeadSource, Role } from '../../entities/enums.js';
import { WebhookEndpoint } from '../../entities/WebhookEndpoint.js';
import { IntakeField } from '../../src/domains/intake/fields.js';

@InputType()
export class WebhookEndpointInput {
  @Field(() => String, { nullable: true, description: 'https URL (required when creating)' }) url?: string | null;
  @Field(() => [String], {
    nullable: true,
    description: 'Event types (see webhookEventTypes), or ["*"]; required when creating',
  })
  events?: string[] | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Only on update' }) enabled?: boolean | null;
}

@ObjectType({ description: 'An endpoint and its signing secret, shown this once' })
export class WebhookEndpointWithSecret {
  @Field(() => WebhookEndpoint) endpoint!: WebhookEndpoint;
  @Field({ description: 'whsec_…: verify deliveries with it (Standard Webhooks); not shown again' }) secret!: string;
}

@ObjectType({ description: 'An event type an endpoint can subscribe to' })
export class WebhookEventType {
  @Field() name!: string;
  @Field() description!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field() name!: string;
  @Field(() => Role, { description: 'ADMIN, AGENT or VIEWER' }) role!: Role;
  @Field(() => Date, { nullable: true }) expiresAt?: Date | null;
}

@ObjectType({ description: 'A new API key, shown this once' })
export class CreatedApiKey {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field({ description: 'reos_live_…: send it as Authorization: Bearer <key>; not shown again' }) key!: string;
}

@InputType()
export class IntakeFieldMapInput {
  @Field({ description: 'The name the form submits' }) field!: string;
  @Field(() => IntakeField) to!: IntakeField;
}

@ObjectType()
export class IntakeFieldMap {
  @Field() field!: string;
  @Field(() => IntakeField) to!: IntakeField;
}

@InputType()
export class IntakeFormInput {
  @Field(() => String, { nullable: true, description: 'Required when creating' }) name?: string | null;
  @Field(() => LeadSource, { nullable: true, description: 'Required when creating' }) source?: LeadSource | null;
  @Field(() => [IntakeFieldMapInput], {
    nullable: true,
    description: 'Submitted names → lead fields; common names (firstName, email, phone, zip…) need none',
  })
  fieldMapping?: IntakeFieldMapInput[] | null;
  @Field(() => String, { nullable: true, description: 'The consent wording the form shows' })
  consentText?: string | null;
  @Field(() => ID, { nullable: true, description: 'Assign new leads to this user' }) assignToUserId?: string | null;
  @Field(() => Boolean, { nullable: true, description: 'Leave new leads unassigned for automation rules' })
  ruleBased?: boolean | null;
  @Field(() => String, { nullable: true, description: 'Plain HTML forms are sent here after submitting' })
  redirectUrl?: string | null;
  @Field(() => Boolean, { nullable: true }) enabled?: boolean | null;
}
