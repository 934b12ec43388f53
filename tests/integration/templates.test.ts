import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { addMember, createTenant, gqlError, uniqueAddress } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

const server = await startTestServer({ workers: false });

describe('message templates', () => {
  it('saves email and SMS templates, reports merge fields and SMS segments, and previews for a lead', async () => {
    const t = await createTenant(server.url, 'Acme Home Buyers');
    const { createTemplate: email } = await t.api.CreateTemplate({
      input: {
        name: 'First touch',
        channel: 'EMAIL',
        subject: 'About {{property.address}}',
        body: 'Hi {{lead.firstName}}, would you sell {{property.address}}? — {{user.name}}, {{organization.name}}',
      },
    });
    expect(email.mergeFields).toEqual(['lead.firstName', 'organization.name', 'property.address', 'user.name']);
    expect(email.sms).toBeNull();
    const { createTemplate: sms } = await t.api.CreateTemplate({
      input: { name: 'Text 1', channel: 'SMS', body: `Hi {{lead.firstName}}! ${'x'.repeat(150)}` },
    });
    expect(sms.sms).toMatchObject({ encoding: 'GSM-7', segments: 2 });

    const { createProperty } = await t.api.CreateProperty({
      input: { ...uniqueAddress(), addressLine: `${Date.now() % 9000} Maple Ave` },
    });
    const { createLead } = await t.api.CreateLead({
      input: { firstName: 'Pat', lastName: 'Seller', propertyId: createProperty.id },
    });
    const { template } = await t.api.TemplatePreview({ id: email.id, leadId: createLead.id });
    expect(template.preview.subject).toBe(`About ${createProperty.addressLine}`);
    expect(template.preview.body).toBe(
      `Hi Pat, would you sell ${createProperty.addressLine}? — Olive Owner, Acme Home Buyers`,
    );
    expect(template.preview.sms).toBeNull();

    // SMS sizes and previews are of the text actually sent: with "Reply STOP to opt out." appended.
    const { createTemplate: short } = await t.api.CreateTemplate({
      input: { name: 'Text 150', channel: 'SMS', body: 'y'.repeat(150) },
    });
    expect(short.sms).toEqual({ encoding: 'GSM-7', length: 173, segments: 2 });
    const { createTemplate: withStop } = await t.api.CreateTemplate({
      input: { name: 'Text STOP', channel: 'SMS', body: `${'z'.repeat(140)} Text STOP to end` },
    });
    expect(withStop.sms).toEqual({ encoding: 'GSM-7', length: 157, segments: 1 });
    const smsPreview = (await t.api.TemplatePreview({ id: short.id, leadId: createLead.id })).template.preview;
    expect(smsPreview.body).toBe(`${'y'.repeat(150)}\nReply STOP to opt out.`);
    expect(smsPreview.sms).toEqual({ encoding: 'GSM-7', length: 173, segments: 2 });

    expect((await t.api.Templates({ channel: 'SMS' })).templates.map((x) => x.id).sort()).toEqual(
      [sms.id, short.id, withStop.id].sort(),
    );
    for (const id of [sms.id, short.id, withStop.id]) await t.api.ArchiveTemplate({ id });
    expect((await t.api.Templates({})).templates.map((x) => x.id)).toEqual([email.id]);
  });

  it('rejects unknown merge fields by name and other bad input, saving nothing', async () => {
    const t = await createTenant(server.url);
    const unknown = await gqlError(
      t.api.CreateTemplate({
        input: { name: 'Bad', channel: 'EMAIL', subject: 'Hi', body: 'Hello {{lead.nickname}}' },
      }),
    );
    expect(unknown).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'input.body', mergeField: 'lead.nickname' },
    });
    expect(unknown.message).toContain('{{lead.nickname}}');
    expect(
      (await gqlError(t.api.CreateTemplate({ input: { name: 'No subject', channel: 'EMAIL', body: 'Hi' } }))).extensions
        .field,
    ).toBe('input.subject');
    expect(
      (
        await gqlError(
          t.api.CreateTemplate({ input: { name: 'Sms subject', channel: 'SMS', subject: 'x', body: 'Hi' } }),
        )
      ).extensions.field,
    ).toBe('input.subject');
    await t.api.CreateTemplate({ input: { name: 'Same', channel: 'SMS', body: 'Hi' } });
    expect(
      (await gqlError(t.api.CreateTemplate({ input: { name: 'same', channel: 'SMS', body: 'Yo' } }))).extensions.field,
    ).toBe('input.name');
    expect((await t.api.Templates({})).templates).toHaveLength(1);
  });

  it('is scoped to the organization and to writers', async () => {
    const a = await createTenant(server.url);
    const b = await createTenant(server.url);
    const viewer = await addMember(server.url, a, 'VIEWER');
    const { createTemplate } = await a.api.CreateTemplate({
      input: { name: 'Mine', channel: 'SMS', body: 'Hi {{lead.firstName}}' },
    });
    expect((await b.api.Templates({})).templates).toEqual([]);
    expect((await gqlError(b.api.UpdateTemplate({ id: createTemplate.id, input: { body: 'x' } }))).code).toBe(
      'NOT_FOUND',
    );
    expect((await gqlError(viewer.api.CreateTemplate({ input: { name: 'V', channel: 'SMS', body: 'x' } }))).code).toBe(
      'FORBIDDEN',
    );
    expect((await gqlError(a.api.TemplatePreview({ id: createTemplate.id, leadId: randomUUID() }))).code).toBe(
      'NOT_FOUND',
    );
  });
});
