import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import { GraphQLDateTimeISO, GraphQLLocalDate } from 'graphql-scalars';

const base = GraphQLDateTimeISO;

/** PostgreSQL stores years 1 to 294276 only as AD dates, and nobody means year 0 or 20000: refuse them as input. */
function withinYears(value: Date): Date {
  const year = value.getUTCFullYear();
  if (year < 1 || year > 9999)
    throw new GraphQLError(`DateTimeISO must be between the years 0001 and 9999 (got ${year})`);
  return value;
}

/**
 * graphql-scalars' DateTimeISO (the scalar type-graphql uses for `Date`), same name and wire format,
 * that also refuses dates outside years 1–9999 — year 0000 used to reach the database and fail there.
 */
export const DateTimeISO = new GraphQLScalarType<Date, string>({
  ...base.toConfig(),
  parseValue: (value: unknown) => withinYears(base.parseValue(value) as Date),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) =>
    withinYears(base.parseLiteral(ast, variables) as Date),
});

const localBase = GraphQLLocalDate;

/** A calendar date within years 0001–9999 (PostgreSQL's `date` refuses year 0000). */
function localWithinYears(value: string): string {
  const year = Number(value.slice(0, 4));
  if (!(year >= 1 && year <= 9999))
    throw new GraphQLError(`LocalDate must be between the years 0001 and 9999 (got ${year})`);
  return value;
}

/**
 * graphql-scalars' LocalDate (YYYY-MM-DD), same name and wire format, that also refuses year 0000,
 * which used to reach the database and fail there. Import it from here, not from graphql-scalars.
 */
export const LocalDateResolver = new GraphQLScalarType<string, string>({
  ...localBase.toConfig(),
  parseValue: (value: unknown) => localWithinYears(localBase.parseValue(value) as string),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) =>
    localWithinYears(localBase.parseLiteral(ast, variables) as string),
});
