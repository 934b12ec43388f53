import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createTenant, gqlError } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';

interface OtlpSpan {
  name: string;
  attributes: { key: string; value: { stringValue?: string; arrayValue?: { values: { stringValue: string }[] } } }[];
  status?: { code?: number };
}

describe('OpenTelemetry tracing (OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('exports one span per operation to an OTLP/HTTP collector', async () => {
    const received: OtlpSpan[] = [];
    const collector = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const data = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
          for (const rs of data.resourceSpans) for (const ss of rs.scopeSpans) received.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}`;
    const server = await startTestServer({ workers: false, config: { otlpEndpoint: endpoint } });
    const t = await createTenant(server.url);
    await t.api.Properties({ first: 3 });
    await gqlError(t.api.Deal({ id: 'nope' }));
    await server.close(); // flushes the batch
    collector.close();

    const attr = (s: OtlpSpan, key: string) => s.attributes.find((a) => a.key === key)?.value;
    const props = received.find((s) => s.name === 'query Properties');
    expect(props).toBeDefined();
    expect(attr(props!, 'graphql.operation.type')?.stringValue).toBe('query');
    expect(attr(props!, 'app.organization_id')?.stringValue).toBe(t.organizationId);
    const failed = received.find((s) => s.name === 'query Deal')!;
    expect(attr(failed, 'graphql.error_codes')?.arrayValue?.values.map((v) => v.stringValue)).toEqual(['NOT_FOUND']);
    expect(failed.status?.code).toBe(2); // ERROR
    expect(received.some((s) => s.name === 'mutation Register')).toBe(true);
  });
});
