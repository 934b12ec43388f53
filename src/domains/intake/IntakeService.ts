import { randomBytes } from 'node:crypto';
import { Activity, ConsentRecord, IntakeForm, Lead, Property, User } from '../../../entities/index.js';
import { ActivityType, ConsentStatus, Direction, MessageChannel, type LeadSource } from '../../../entities/enums.js';
import { NotFoundError, ValidationError } from '../../platform/errors/index.js';
import * as v from '../../platform/validate.js';
import { pgArray } from '../../platform/db/pg-array.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import { LeadService } from '../leads/LeadService.js';
import { normalizeAddressKey } from '../properties/address.js';
import { PropertyService } from '../properties/PropertyService.js';
import { activeMember, findOrNotFound, requireActor, type ServiceScope } from '../scope.js';
import { checkMapping, readSubmission, type IntakeField, type Submission } from './fields.js';

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
 * consent (with evidence) and a timeline entry, in one transaction; docs/integrations.md.
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
   * nothing written), then the property found or created, then lead, consent and timeline entry in
   * one transaction that holds a lock on the contact points (two submissions of the same person at
   * once make one lead). Announced after the commit.
   */
  async submit(row: Record<string, unknown>, body: Record<string, unknown>, meta: SubmissionMeta) {
    // The route read the form's row by its public key already; mapped, not read again.
    const form = this.scope.em.map(IntakeForm, row);
    if (!form.enabled) throw new NotFoundError('IntakeForm', form.id);
    const s = readSubmission(body, form.fieldMapping);
    const propertyId = s.address ? await this.property(s.address) : undefined;
    const leads = new LeadService(this.scope);
    const { lead, created } = await this.scope.em.transactional(async (em) => {
      const points = [s.phone, s.email].filter((p): p is string => !!p).sort();
      await em.execute('select pg_advisory_xact_lock(hashtextextended(p, 0)) from unnest(?::text[]) p order by p', [
        pgArray(points.map((p) => `${form.organizationId}:${p}`)),
      ]);
      const existing = await em.findOne(
        Lead,
        { $or: points.map((p) => (p.includes('@') ? { email: p } : { phone: p })) },
        { orderBy: { createdAt: 'asc' } },
      );
      const lead = existing ?? em.create(Lead, { firstName: s.firstName, lastName: s.lastName, source: form.source });
      await new LeadService({ ...this.scope, em }).apply(lead, {
        email: lead.email ?? s.email,
        phone: lead.phone ?? s.phone,
        propertyId: lead.propertyId ?? propertyId,
        motivation: existing ? undefined : s.message,
      });
      if (!existing && !form.ruleBased && form.assignToId)
        // A form's assignee deactivated since: the lead waits unassigned rather than being refused.
        lead.assignedUserId = (await em.findOne(User, { id: form.assignToId, deactivatedAt: null }))?.id;
      // Consent goes with the lead (it is kept by contact point); the lead is written before its
      // timeline entry, whose triggers keep counters on the lead row.
      if (s.consent) this.consent(em, form, s, meta);
      await em.flush();
      const body = note(form, s, !!existing);
      if (body) {
        em.create(Activity, {
          leadId: lead.id,
          type: ActivityType.NOTE,
          direction: existing ? Direction.INBOUND : Direction.INTERNAL,
          body,
          occurredAt: new Date(),
        });
        await em.flush();
      }
      return { lead, created: !existing };
    });
    await this.scope.em.execute(
      'update intake_forms set submissions = submissions + 1, last_submission_at = now() where id = ?',
      [form.id],
    );
    if (created) await leads.announceCreated(lead);
    else
      publishPipelineEvent(this.scope, lead.organizationId, PipelineEventType.LEAD_UPDATED, {
        leadId: lead.id,
        propertyId: lead.propertyId,
      });
    return { leadId: lead.id, created, redirectUrl: form.redirectUrl ?? null };
  }

  /** Consent for each contact point given, with the evidence a regulator asks for. */
  private consent(em: ServiceScope['em'], form: IntakeForm, s: Submission, meta: SubmissionMeta): void {
    const evidence = JSON.stringify({
      form: { id: form.id, name: form.name },
      consentText: form.consentText ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      pageUrl: s.pageUrl ?? null,
      submittedAt: new Date().toISOString(),
    });
    for (const [channel, contactPoint] of [
      [MessageChannel.SMS, s.phone],
      [MessageChannel.EMAIL, s.email],
    ] as const)
      if (contactPoint)
        em.create(ConsentRecord, {
          channel,
          contactPoint,
          status: ConsentStatus.OPTED_IN,
          source: 'WEB_FORM',
          evidence,
          recordedAt: new Date(),
        });
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
