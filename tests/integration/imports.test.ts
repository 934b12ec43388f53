import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { JobProgressDocument, type JobProgressSubscription } from '../../client/index.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import { createTenant, gqlError, waitFor, type Tenant } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

// Workers start inside the first test, after it subscribes to the import's progress.
const server = await startTestServer({ workers: false });
let workers: RunningWorkers | null = null;
afterAll(async () => {
  await workers?.close();
});

const HEADER = [
  'Property Address',
  'Property City',
  'Property State',
  'Property Zip',
  'Bedrooms',
  'Bathrooms',
  'Building Sqft',
  'Year Built',
  'Est. Value',
  'Last Sale Date',
  'Owner 1 Full Name',
  'Owner Occupied',
  'Mailing Address',
];
const csvLine = (cells: (string | number)[]) =>
  cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',');

/** PUTs `body` to a fresh presigned upload URL; returns the uploadId. */
async function upload(t: Tenant, body: Buffer | string): Promise<string> {
  const { createUploadUrl } = await t.api.CreateUploadUrl();
  const res = await fetch(createUploadUrl.url, { method: 'PUT', body, headers: { 'content-type': 'text/csv' } });
  expect(res.status).toBe(200);
  return createUploadUrl.uploadId;
}

function importDone(t: Tenant, id: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const { import: imp } = await t.api.Import({ id, first: 1000 });
      return imp.status === 'COMPLETED' || imp.status === 'FAILED' ? imp : null;
    },
    timeoutMs,
    `import ${id} finished`,
  );
}

describe('CSV imports', () => {
  it(
    'imports a 5,000-row property list through a presigned upload, reporting exactly the bad rows and the ' +
      'duplicates',
    async () => {
      const a = await createTenant(server.url);
      const b = await createTenant(server.url);
      const tag = randomUUID().slice(0, 6);
      const street = (i: number) => `${100 + i} ${tag} Oak Street`;
      // Five properties exist already; rows 11–15 of the file repeat them (spelled differently).
      for (let i = 0; i < 5; i++)
        await a.api.CreateProperty({
          input: { addressLine: street(9 + i), city: 'Austin', state: 'TX', zip: '78701' },
        });

      const bad = new Map<number, { field: string | null; message: RegExp }>(); // spreadsheet row → expected problem
      const duplicates = new Map<number, RegExp>();
      const lines = [csvLine(HEADER)];
      for (let i = 0; i < 5_000; i++) {
        const row = i + 2;
        const cells: (string | number)[] = [
          street(i),
          'Austin',
          'TX',
          '78701',
          3,
          2,
          1650,
          1987,
          '$245,000',
          '6/15/2019',
          `Owner ${i}, Jr`,
          'N',
          `PO Box ${i}, Austin TX`,
        ];
        if (i >= 9 && i < 14) {
          cells[0] = `${100 + i} ${tag} Oak St.`; // same house as one stored already
          duplicates.set(row, /exists already/);
        } else if (i % 250 === 17) {
          cells[0] = street(i - 1).replace('Street', 'St'); // same house as the row before
          duplicates.set(row, new RegExp(`Same address as row ${row - 1}`));
        } else if (i % 500 === 101) {
          const kinds: [number, string, string | null, RegExp][] = [
            [3, 'ABCDE', 'Property Zip', /5-digit ZIP/],
            [2, 'ZZ', 'Property State', /two-letter US state/],
            [4, '-2', 'Bedrooms', /Bedrooms/],
            [7, '1200', 'Year Built', /Year Built/],
            [6, 'lots', 'Building Sqft', /not a number/],
            [9, '13/45/2020', 'Last Sale Date', /Last Sale Date/],
            [11, 'maybe', 'Owner Occupied', /yes or no/],
            [0, '', 'Property Address', /must not be empty/],
          ];
          const [col, value, field, message] = kinds[Math.floor(i / 500) % kinds.length]!;
          cells[col] = value;
          bad.set(row, { field, message });
        } else if (i === 4_321) {
          cells.pop(); // one field short
          bad.set(row, { field: null, message: /12 fields; the header has 13/ });
        }
        lines.push(csvLine(cells));
      }
      const file = `${lines.join('\r\n')}\r\n`;
      const uploadId = await upload(a, file);

      const { importProperties: started } = await a.api.ImportProperties({
        input: { uploadId, fileName: 'propstream-export.csv', tags: ['Nov list'] },
      });
      expect(started).toMatchObject({
        status: 'QUEUED',
        kind: 'PROPERTIES',
        fileName: 'propstream-export.csv',
        fileBytes: Buffer.byteLength(file),
        columns: HEADER,
        unmappedColumns: [],
        jobId: `import-${started.id}`,
      });
      // Asking again with the same upload is the same import, not a second one.
      expect((await a.api.ImportProperties({ input: { uploadId } })).importProperties.id).toBe(started.id);
      expect((await gqlError(a.api.ImportLeads({ input: { uploadId } }))).message).toContain(
        'imported as properties already',
      );

      const progress = await subscribe<JobProgressSubscription>(server.wsUrl, a.token, print(JobProgressDocument), {
        variables: { id: started.jobId },
      } as never);
      const spy = await subscribe<JobProgressSubscription>(server.wsUrl, b.token, print(JobProgressDocument), {
        variables: { id: started.jobId },
      } as never);
      workers = startWorkers(server.deps);
      const seen: JobProgressSubscription['jobProgress'][] = [];
      while (!seen.some((e) => e.state === 'completed')) seen.push((await progress.next(30_000)).jobProgress);
      expect(seen.filter((e) => e.state === 'active').length).toBeGreaterThanOrEqual(3);
      expect(seen.at(-1)).toMatchObject({ queue: 'import', state: 'completed', progress: 100 });

      const done = await importDone(a, started.id);
      expect(done).toMatchObject({
        status: 'COMPLETED',
        rowsTotal: 5_000,
        rowsInvalid: bad.size,
        rowsDuplicate: duplicates.size,
        rowsImported: 5_000 - bad.size - duplicates.size,
        error: null,
      });
      // Every reported row, and only those, with its reason and column.
      const issues: NonNullable<typeof done>['issues'] = [];
      for (let after = 0; ;) {
        const page = (await a.api.Import({ id: started.id, first: 100, afterRow: after })).import.issues;
        issues.push(...page);
        if (page.length < 100) break;
        after = page.at(-1)!.rowNumber;
      }
      expect(issues.map((i) => i.rowNumber)).toEqual([...bad.keys(), ...duplicates.keys()].sort((x, y) => x - y));
      for (const issue of issues) {
        if (bad.has(issue.rowNumber)) {
          expect(issue.kind).toBe('INVALID');
          expect(issue.field).toBe(bad.get(issue.rowNumber)!.field);
          expect(issue.message).toMatch(bad.get(issue.rowNumber)!.message);
        } else {
          expect(issue.kind).toBe('DUPLICATE');
          expect(issue.message).toMatch(duplicates.get(issue.rowNumber)!);
        }
        expect(issue.values).toEqual(parse(lines[issue.rowNumber - 1]!, { relax_column_count: true })[0]);
      }
      const stored = issues.filter((i) => /exists already/.test(i.message));
      expect(stored.every((i) => i.existingId)).toBe(true);

      // The downloadable report holds the same rows, with the original cells.
      const report = parse(await (await fetch(done.errorReportUrl!)).text(), {
        columns: true,
        relax_column_count: true,
      }) as Record<string, string>[];
      expect(report.map((r) => Number(r.row))).toEqual(issues.map((i) => i.rowNumber));
      expect(report[0]).toMatchObject({
        problem: issues[0]!.kind,
        message: issues[0]!.message,
        'Property Address': issues[0]!.values[0],
      });

      // What was stored: parsed values, the list tag, and a geocoding job per new property.
      const { properties } = await a.api.Properties({
        first: 100,
        filter: { search: `${tag} Oak`, tagsAll: ['nov list'] },
      });
      expect(properties.totalCount).toBe(5_000 - bad.size - duplicates.size);
      const one = (await a.api.Properties({ first: 10, filter: { search: street(2) } })).properties.edges.find(
        (e) => e.node.addressLine === street(2),
      )!.node;
      expect(one).toMatchObject({
        city: 'Austin',
        state: 'TX',
        zip: '78701',
        bedrooms: 3,
        bathrooms: 2,
        squareFeet: 1650,
        yearBuilt: 1987,
        estimatedValue: 245_000,
        lastSaleDate: '2019-06-15',
        ownerName: 'Owner 2, Jr',
        ownerOccupied: false,
      });
      expect(
        await server.deps.queues.geocode.getJob(
          `geocode-${one.id}-${(await import('node:crypto'))
            .createHash('sha256')
            .update(`${100 + 2} ${tag.toUpperCase()} OAK ST|78701`)
            .digest('hex')
            .slice(0, 16)}`,
        ),
      ).toBeTruthy();

      // Organization B: sees nothing, heard nothing, cannot reach A's upload.
      await new Promise((r) => setTimeout(r, 200));
      expect(spy.received).toEqual([]);
      expect((await gqlError(b.api.Import({ id: started.id }))).code).toBe('NOT_FOUND');
      expect((await gqlError(b.api.ImportProperties({ input: { uploadId } }))).message).toContain(
        'Nothing was uploaded',
      );
      expect((await b.api.Properties({ first: 5, filter: { search: `${tag} Oak` } })).properties.totalCount).toBe(0);
      expect((await b.api.Imports()).imports).toEqual([]);
      await progress.close();
      await spy.close();
    },
  );

  it(
    'imports leads from inline CSV with a column mapping, de-duplicating by phone and email and linking ' +
      'properties',
    async () => {
      const a = await createTenant(server.url);
      const tag = randomUUID().slice(0, 6);
      const { createProperty: house } = await a.api.CreateProperty({
        input: { addressLine: `77 ${tag} Elm Avenue`, city: 'Dallas', state: 'TX', zip: '75201' },
      });
      await a.api.CreateLead({ input: { firstName: 'Existing', lastName: 'Seller', phone: '(214) 555-0199' } });
      const csv = [
        'Seller,Cell #,E-mail,Site Address,Site Zip,Notes',
        `"Smith, Jane",214-555-0101,jane.${tag}@example.com,77 ${tag} Elm Ave,75201,Tired landlord`,
        `Bob Jones,2145550102,bob.${tag}@example.com,,,`,
        `Carl Lee,214555,carl.${tag}@example.com,,,`, // bad phone
        `Dana Fox,214-555-0103,not-an-email,,,`, // bad email
        `Jane S,(214) 555-0101,,,,`, // same phone as row 2
        `Eve Stone,,BOB.${tag}@EXAMPLE.COM,,,`, // same email as row 3
        `Frank Hill,+1 214 555 0199,,,,`, // same phone as the stored lead
        `Solo,214-555-0104,,,,`, // no last name
      ].join('\n');
      const { importLeads } = await a.api.ImportLeads({
        input: {
          csv,
          mapping: [
            { column: 'Seller', field: 'fullName' },
            { column: 'Cell #', field: 'phone' },
            { column: 'Site Address', field: 'addressLine' },
            { column: 'Site Zip', field: 'zip' },
          ],
        },
      });
      expect(importLeads.unmappedColumns).toEqual([]);
      workers ??= startWorkers(server.deps);
      const done = await importDone(a, importLeads.id);
      expect(done).toMatchObject({
        status: 'COMPLETED',
        rowsTotal: 8,
        rowsImported: 2,
        rowsInvalid: 3,
        rowsDuplicate: 3,
      });
      expect(done.issues.map((i) => [i.rowNumber, i.kind, i.field])).toEqual([
        [4, 'INVALID', 'Cell #'],
        [5, 'INVALID', 'E-mail'],
        [6, 'DUPLICATE', null],
        [7, 'DUPLICATE', null],
        [8, 'DUPLICATE', null],
        [9, 'INVALID', 'Seller'],
      ]);
      expect(done.issues.map((i) => i.message)).toEqual([
        expect.stringContaining('not a valid phone number'),
        expect.stringContaining('not a valid email'),
        'Same phone as row 2',
        'Same email as row 3',
        'A lead with this phone exists already',
        'Seller "Solo" has no last name',
      ]);
      const { leads } = await a.api.Leads({ first: 10, filter: { search: tag } });
      const jane = (await a.api.Leads({ first: 10, filter: { search: 'Jane' } })).leads.edges
        .map((e) => e.node)
        .find((l) => l.email === `jane.${tag}@example.com`)!;
      expect(jane).toMatchObject({
        firstName: 'Jane',
        lastName: 'Smith',
        phone: '+12145550101',
        source: 'LIST_IMPORT',
        status: 'NEW',
        motivation: 'Tired landlord',
        property: { id: house.id },
      });
      expect(leads.totalCount).toBeGreaterThanOrEqual(2);
    },
  );

  it(
    'refuses unreadable files and wrong mappings up front, and stops cleanly at broken CSV keeping the rows ' +
      'before it',
    async () => {
      const a = await createTenant(server.url);
      workers ??= startWorkers(server.deps);
      const field = async (call: Promise<unknown>) => (await gqlError(call)).extensions.field;
      const ok = 'Address,City,State,Zip\n1 Main St,Austin,TX,78701\n';
      expect(await field(a.api.ImportProperties({ input: {} }))).toBe('input.uploadId');
      expect(await field(a.api.ImportProperties({ input: { csv: ok, uploadId: randomUUID() } }))).toBe(
        'input.uploadId',
      );
      expect(await field(a.api.ImportProperties({ input: { csv: 'Street,Town\nx,y\n' } }))).toBe('mapping');
      expect(
        await field(a.api.ImportProperties({ input: { csv: ok, mapping: [{ column: 'Address', field: 'color' }] } })),
      ).toBe('input.mapping[0].field');
      expect(
        (await gqlError(a.api.ImportProperties({ input: { csv: ok, mapping: [{ column: 'Nope', field: 'zip' }] } })))
          .message,
      ).toContain('no column "Nope"');
      expect(
        (await gqlError(a.api.ImportProperties({ input: { csv: 'Address,Address,City,State,Zip\n' } }))).message,
      ).toContain('twice');
      expect(await field(a.api.ImportLeads({ input: { csv: 'x'.repeat(600 * 1024) } }))).toBe('input.csv');
      expect(await field(a.api.ImportProperties({ input: { uploadId: randomUUID() } }))).toBe('input.uploadId');
      expect((await gqlError(a.api.ImportProperties({ input: { uploadId: await upload(a, '') } }))).message).toContain(
        'empty',
      );
      // Windows-1252 ("José"), UTF-16 and a spreadsheet are not CSV UTF-8.
      const latin1 = Buffer.from('Address,City,State,Zip,Owner\n1 Main St,Austin,TX,78701,Jos\xe9\n', 'latin1');
      expect(
        (await gqlError(a.api.ImportProperties({ input: { uploadId: await upload(a, latin1) } }))).message,
      ).toContain('not UTF-8');
      expect(
        (
          await gqlError(
            a.api.ImportProperties({
              input: {
                uploadId: await upload(a, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ok, 'utf16le')])),
              },
            }),
          )
        ).message,
      ).toContain('UTF-16');
      expect(
        (
          await gqlError(
            a.api.ImportProperties({
              input: { uploadId: await upload(a, Buffer.from('PK\x03\x04 binary spreadsheet', 'latin1')) },
            }),
          )
        ).message,
      ).toContain('.xlsx');
      // A 50 MB file is over the limit.
      const big = Buffer.alloc(50 * 1024 * 1024, 'x');
      big.write('Address,City,State,Zip\n');
      expect((await gqlError(a.api.ImportProperties({ input: { uploadId: await upload(a, big) } }))).message).toMatch(
        /50\.0 MB; an import takes at most 25 MB/,
      );
      expect((await a.api.Imports()).imports).toEqual([]);

      // Broken quoting at row 30: rows 2–29 are stored, the import is FAILED and says where.
      const tag = randomUUID().slice(0, 6);
      const rows = Array.from({ length: 40 }, (_, i) =>
        i === 28 ? `"${i} ${tag} Pine Rd,Austin,TX,78701` : `${i} ${tag} Pine Rd,Austin,TX,78701`,
      );
      const { importProperties } = await a.api.ImportProperties({
        input: { csv: `Address,City,State,Zip\n${rows.join('\n')}\n` },
      });
      const failed = await importDone(a, importProperties.id);
      expect(failed).toMatchObject({ status: 'FAILED', rowsImported: 28, rowsTotal: 28 });
      expect(failed.error).toMatch(/not valid CSV at row 30/);
      expect((await a.api.Properties({ first: 100, filter: { search: `${tag} Pine` } })).properties.totalCount).toBe(
        28,
      );
    },
  );
});
