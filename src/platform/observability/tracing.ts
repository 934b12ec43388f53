import type { ApolloServerPlugin } from '@apollo/server';
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { Context } from '../context.js';

export interface Tracing {
  tracer: Tracer;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT is set: spans go to the collector over
 * OTLP/HTTP (JSON) in batches. Off, nothing is loaded into the request path.
 */
export function startTracing(endpoint: string | undefined, serviceName: string): Tracing | null {
  if (!endpoint) return null;
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }) }),
    ],
  });
  return { tracer: provider.getTracer('real-estate-os'), shutdown: () => provider.shutdown() };
}

/** One span per GraphQL operation: name, type, organization, user, request id, error codes. */
export function tracingPlugin(tracer: Tracer): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue, request }) {
      const span = tracer.startSpan('graphql.request', {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.http?.method ?? 'POST', 'app.request_id': contextValue.requestId },
      });
      if (contextValue.user) {
        span.setAttribute('enduser.id', contextValue.user.id);
        span.setAttribute('app.organization_id', contextValue.user.organizationId);
      }
      return {
        async didResolveOperation({ operation, operationName }) {
          const type = operation?.operation ?? 'unknown';
          span.updateName(`${type} ${operationName ?? 'anonymous'}`);
          span.setAttribute('graphql.operation.type', type);
          span.setAttribute('graphql.operation.name', operationName ?? 'anonymous');
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          if (errors.length) {
            span.setAttribute(
              'graphql.error_codes',
              errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')),
            );
            span.setStatus({ code: SpanStatusCode.ERROR, message: String(errors[0]!.extensions?.code ?? 'error') });
          }
          span.end();
        },
      };
    },
  };
}
