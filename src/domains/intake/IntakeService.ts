import { randomBytes } from 'node:crypto';
import { IntakeForm, Lead, Property } from '../../../entities/index.js';
import type { LeadSource } from '../../../entities/enums.js';
import { NotFoundError, ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import { LeadService } from '../leads/LeadService.js';
import { normalizeAddressKey } from '../properties/address.js';
import { PropertyService } from '../properties/PropertyService.js';
import { activeMember, findOrNotFound, requireActor, type ServiceScope } from '../scope.js';
import { checkMapping, readSubmission, type IntakeField, type Submission } from './fields.js';

interface IntakeResult {
  lead_id: string;
  created: boolean;
  property_id: string | null;
  assigned_user_id: string | null;
}

export interface IntakeFormFields {
  name?: string | null;
  source?: LeadSource | null;
  fieldMapping?: { field: string; to: IntakeField }[] | null;
  consentText?: string | null;
  assignToUserId?: string | null;
  ruleBased?: boolean | null;
  redirectUrl?: string | null;
  enabled?: boolean | null;
}

/** Who submitted, as the route saw it (kept as consent evidence). */
export interface SubmissionMeta {
  ip: string;
  userAgent: string | null;
}

/**
 * Public lead-intake forms: managed by OWNER/ADMIN, submitted to `POST /intake/<formKey>`
 * (src/platform/http/intake.ts). A submission becomes a lead — or, when its phone or email is
 * already a lead's, updates that lead and logs the repeat on its timeline — with its property, its
 * consent (with evidence) and a timeline entry, in one statement; docs/integrations.md.
 */
export class IntakeService {
  constructor(private readonly scope: ServiceScope) {}

  get(id: string): Promise<IntakeForm> {
    return findOrNotFound(this.scope.em, IntakeForm, id, 'IntakeForm');
  }

  list(): Promise<IntakeForm[]> {
    return this.scope.em.find(IntakeForm, {}, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async create(input: IntakeFormFields): Promise<IntakeForm> {
    const actor = requireActor(this.scope);
    if (!input.source) throw new ValidationError('input.source is required', 'input.source');
    const form = this.scope.em.create(IntakeForm, {
      name: v.requiredText(input.name ?? '', 'input.name', 200),
      source: input.source,
      formKey: randomBytes(18).toString('base64url'),
      fieldMapping: {},
      createdById: actor.id,
    });
    await this.apply(form, input);
    await this.scope.em.flush();
    return form;
  }

  async update(id: string, input: IntakeFormFields): Promise<IntakeForm> {
    const form = await this.get(id);
    if (input.name != null) form.name = v.requiredText(input.name, 'input.name', 200);
    if (input.source != null) form.source = input.source;
    await this.apply(form, input);
    await this.scope.em.flush();
    return form;
  }

  async delete(id: string): Promise<boolean> {
    await this.scope.em.remove(await this.get(id)).flush();
    return true;
  }

  private async apply(form: IntakeForm, i: IntakeFormFields): Promise<void> {
    if (i.fieldMapping != null) form.fieldMapping = checkMapping(i.fieldMapping);
    if (i.consentText !== undefined) form.consentText = v.optionalText(i.consentText, 'input.consentText', 5_000);
    if (i.redirectUrl !== undefined) form.redirectUrl = redirect(i.redirectUrl);
    if (i.enabled != null) form.enabled = i.enabled;
    if (i.assignToUserId && i.ruleBased)
      throw new ValidationError('Give assignToUserId or ruleBased, not both', 'input.ruleBased');
    if (i.assignToUserId !== undefined)
      form.assignToId = i.assignToUserId
        ? (await activeMember(this.scope.em, i.assignToUserId, 'input.assignToUserId')).id
        : undefined;
    if (i.ruleBased != null) form.ruleBased = i.ruleBased;
    if (form.ruleBased) form.assignToId = undefined;
  }

  /**
   * One submission: read and checked whole first (BAD_USER_INPUT naming the submitted field,
   * nothing written), the property found or created, then lead, consent and timeline entry in one
   * statement (`intake_submit`: locks on the contact points, so two submissions of the same person
   * at once make one lead). Announced after the commit.
   */
  async submit(row: Record<string, unknown>, body: Record<string, unknown>, meta: SubmissionMeta) {
    // The route read the form's row by its public key already; mapped, not read again.
    const form = this.scope.em.map(IntakeForm, row);
    if (!form.enabled) throw new NotFoundError('IntakeForm', form.id);
    const s = readSubmission(body, form.fieldMapping);
    const propertyId = s.address ? await this.property(s.address) : null;
    const [r] = await this.scope.em.execute<IntakeResult[]>(
      'select * from intake_submit(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        form.id,
        form.organizationId,
        form.source,
        s.firstName,
        s.lastName,
        s.email ?? null,
        s.phone ?? null,
        s.message ?? null,
        propertyId,
        form.ruleBased ? null : (form.assignToId ?? null),
        s.consent,
        s.consent ? evidence(form, s, meta) : null,
        note(form, s, false),
        note(form, s, true),
      ],
    );
    if (!r) throw new NotFoundError('IntakeForm', form.id); // disabled or deleted meanwhile
    const ids = { leadId: r!.lead_id, propertyId: r!.property_id ?? undefined };
    if (r!.created) {
      const lead = Object.assign(new Lead(), {
        id: r!.lead_id,
        organizationId: form.organizationId,
        firstName: s.firstName,
        lastName: s.lastName,
        propertyId: r!.property_id ?? undefined,
        assignedUserId: r!.assigned_user_id ?? undefined,
      });
      await new LeadService(this.scope).announceCreated(lead);
    } else publishPipelineEvent(this.scope, form.organizationId, PipelineEventType.LEAD_UPDATED, ids);
    return { leadId: r!.lead_id, created: r!.created, redirectUrl: form.redirectUrl ?? null };
  }

  /** The property at that address (not archived), or a new one; its own commit (a property alone is harmless). */
  private async property(a: NonNullable<Submission['address']>): Promise<string> {
    const found = await this.scope.em
      .getRepository(Property)
      .findByNormalizedAddress(normalizeAddressKey(a.addressLine, a.zip));
    if (found) return found.id;
    try {
      return (await new PropertyService(this.scope).create(a)).id;
    } catch (err) {
      const again = await this.scope.em
        .getRepository(Property)
        .findByNormalizedAddress(normalizeAddressKey(a.addressLine, a.zip));
      if (again) return again.id; // created by a submission at the same moment
      throw err;
    }
  }
}

/**
 * The timeline entry of a submission: a repeat always (the person reached out again); a first one
 * only when it says what the lead does not hold (an address without city/state/zip, the page of a
 * submission without consent — with consent the page is in the evidence).
 */
/** What a regulator asks for with consent: the form and its wording, who, from where, when. */
function evidence(form: IntakeForm, s: Submission, meta: SubmissionMeta): string {
  return JSON.stringify({
    form: { id: form.id, name: form.name },
    consentText: form.consentText ?? null,
    ip: meta.ip,
    userAgent: meta.userAgent,
    pageUrl: s.pageUrl ?? null,
    submittedAt: new Date().toISOString(),
  });
}

function note(form: IntakeForm, s: Submission, repeat: boolean): string | null {
  const extra: string[] = [];
  if (repeat && s.message) extra.push(s.message);
  if (s.looseAddress) extra.push(`Address: ${s.looseAddress}`);
  if (s.pageUrl) extra.push(`Page: ${s.pageUrl}`);
  if (!repeat && !s.looseAddress && (!s.pageUrl || s.consent)) return null;
  const first = repeat ? `Submitted "${form.name}" again` : `Came in through "${form.name}"`;
  return [first, ...extra].join('\n').slice(0, 5_000);
}

function redirect(url: string | null | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.toString();
  } catch {
    // falls through
  }
  throw new ValidationError('input.redirectUrl must be an http(s) URL', 'input.redirectUrl');
}
