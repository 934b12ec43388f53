import type {
  GatewayExecutor,
  GatewayInterface,
  GatewaySchemaLoadOrUpdateCallback,
} from '@apollo/server-gateway-interface';
import {
  astFromValue,
  execute,
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isInputType,
  isListType,
  isNonNullType,
  Kind,
  printSchema,
  TypeInfo,
  typeFromAST,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/**
 * Executes operations with graphql-jit: each distinct document (by Apollo's query hash and
 * operation name) is compiled once into a function and reused, instead of graphql-js walking the
 * document on every request. Apollo Server 5 takes a custom executor only through its gateway
 * interface, so this is a minimal gateway around our own schema; parsing, validation, plugins,
 * limits, APQ and error formatting stay Apollo's. Subscriptions (graphql-ws) keep graphql-js.
 */
export function jitGateway(schema: GraphQLSchema, maxCompiled = 1_000): GatewayInterface {
  const compiled = new Map<string, { query: CompiledQuery; nonNullArgs: Set<string> }>();
  let announce: GatewaySchemaLoadOrUpdateCallback | null = null;
  const executor: GatewayExecutor = async (rc) => {
    if (!rc.operation) {
      // Apollo hands the gateway an operationName that matches nothing; answer as graphql-js does.
      return {
        errors: [
          new GraphQLError(`Unknown operation named "${rc.operationName ?? ''}".`, {
            extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } },
          }),
        ],
      };
    }
    const key = `${rc.queryHash}:${rc.operationName ?? ''}`;
    let entry = compiled.get(key);
    if (!entry) {
      const result = compileQuery(schema, rc.document, rc.operationName ?? undefined);
      if (!isCompiledQuery(result)) return result;
      entry = { query: result, nonNullArgs: variablesInNonNullArguments(schema, rc.document) };
      if (compiled.size >= maxCompiled) compiled.delete(compiled.keys().next().value!); // oldest first
      compiled.set(key, entry);
    }
    const { query } = entry;
    // Variables are checked by graphql-js first: its messages name the exact input path
    // ("$input" … at "input.propertyType"), and Apollo files them as BAD_USER_INPUT as usual.
    const variables = rc.request.variables ?? {};
    const coerced = getVariableValues(schema, rc.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) {
      return {
        errors: coerced.errors.map(
          (e) =>
            new GraphQLError(e.message, {
              nodes: e.nodes,
              originalError: e.originalError,
              extensions: { code: 'BAD_USER_INPUT' },
            }),
        ),
      };
    }
    // graphql-jit does not apply a variable's default when the variable is omitted; do it here, as
    // graphql-js would (`query($n: Int! = 5)` sent without `n`).
    // Nor the defaults of input object fields (`input X { status: S! = OPTED_IN }`): fill those too.
    const withDefaults: Record<string, unknown> = { ...variables };
    for (const def of rc.operation.variableDefinitions ?? []) {
      const name = def.variable.name.value;
      if (withDefaults[name] === undefined && def.defaultValue)
        withDefaults[name] = valueFromASTUntyped(def.defaultValue);
      const type = typeFromAST(schema, def.type);
      if (type && isInputType(type) && withDefaults[name] != null)
        withDefaults[name] = withFieldDefaults(withDefaults[name], type);
    }
    // A variable that is null where a non-null argument takes it (`$x: Boolean` into `x: Boolean! =
    // false`) is a field error in graphql-js; graphql-jit would pass the null on to the resolver.
    // Such a request runs on graphql-js, so both executors answer it alike.
    if ([...entry.nonNullArgs].some((name) => withDefaults[name] === null))
      return execute({
        schema,
        document: rc.document,
        rootValue: undefined,
        contextValue: rc.context,
        variableValues: variables,
        operationName: rc.operationName ?? undefined,
      });
    return query.query(undefined, rc.context, withDefaults);
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      announce = callback;
      return () => {
        announce = null;
      };
    },
    async load() {
      announce?.({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return { executor };
    },
    async stop() {},
  };
}

/** A variable's value with every omitted input-object field that has a default given it, at any depth. */
function withFieldDefaults(value: unknown, type: GraphQLInputType): unknown {
  const t = getNullableType(type);
  if (value == null) return value;
  if (isListType(t))
    return Array.isArray(value)
      ? value.map((item) => withFieldDefaults(item, t.ofType))
      : withFieldDefaults(value, t.ofType);
  if (!isInputObjectType(t) || typeof value !== 'object') return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const field of Object.values(t.getFields())) {
    if (out[field.name] === undefined && field.defaultValue !== undefined) {
      const ast = astFromValue(field.defaultValue, field.type);
      if (ast) out[field.name] = valueFromASTUntyped(ast);
    } else if (out[field.name] != null) out[field.name] = withFieldDefaults(out[field.name], field.type);
  }
  return out;
}

/** Names of the variables the document passes straight to a non-null argument, at any depth. */
function variablesInNonNullArguments(schema: GraphQLSchema, document: DocumentNode): Set<string> {
  const names = new Set<string>();
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        const arg = typeInfo.getArgument();
        if (arg && isNonNullType(arg.type) && node.value.kind === Kind.VARIABLE) names.add(node.value.name.value);
      },
    }),
  );
  return names;
}
