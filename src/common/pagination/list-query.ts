import { BadRequestError } from '../errors/domain-error.js';
import { MAX_ROW_ID, isRowId } from '../persistence/row-id.js';
import { isCalendarDate } from '../validation/calendar-date.js';

export interface PageRequest {
  limit: number;
  startingAfter: number;
}

export interface Page<T> {
  data: T[];
  has_more: boolean;
}

/** How the API reference describes the value of a query parameter. */
export interface QueryValueSchema {
  type: 'integer' | 'string';
  minimum?: number;
  format?: 'date' | 'date-time';
  enum?: readonly string[];
}

/** Reads one query parameter; its `schema` is what the API reference shows for it. */
export type Parser<T> = ((raw: string, name: string) => T) & { readonly schema: QueryValueSchema };
type Parsed<S> = { [K in keyof S]?: S[K] extends Parser<infer T> ? T : never };

function parser<T>(schema: QueryValueSchema, parse: (raw: string, name: string) => T): Parser<T> {
  return Object.assign(parse, { schema });
}

const DIGITS = /^[1-9]\d*$/;
// An ISO 8601 instant with an explicit offset; a time without one would depend on the server.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export const positiveId = parser({ type: 'integer', minimum: 1 }, (raw, name) => {
  if (!DIGITS.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new BadRequestError(`${name} moet een positief geheel getal zijn.`);
  }

  return Number(raw);
});

/**
 * A filter on the id of a member or a group. An id beyond any row's names no row, so it
 * becomes 0, which no row has either: the list is empty, as for any unknown id.
 */
export const rowIdFilter = parser(positiveId.schema, (raw, name) => {
  const id = positiveId(raw, name);

  return isRowId(id) ? id : 0;
});

export const instant = parser({ type: 'string', format: 'date-time' }, (raw, name) => {
  const date = new Date(raw);
  if (!INSTANT.test(raw) || Number.isNaN(date.getTime())) {
    throw new BadRequestError(`${name} moet een tijdstip in ISO 8601 met tijdzone zijn.`);
  }

  return date;
});

export const calendarDate = parser({ type: 'string', format: 'date' }, (raw, name) => {
  if (!isCalendarDate(raw)) {
    throw new BadRequestError(`${name} moet een bestaande datum zijn (JJJJ-MM-DD).`);
  }

  return raw;
});

export function oneOf<T extends string>(allowed: readonly T[]): Parser<T> {
  return parser({ type: 'string', enum: allowed }, (raw, name) => {
    if (!allowed.includes(raw as T)) {
      throw new BadRequestError(`${name} moet een van ${allowed.join(', ')} zijn.`);
    }

    return raw as T;
  });
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

/**
 * Reads a list's query string strictly: every parameter known, given once and well formed,
 * `limit` from 1 to 200 (default 50) and `starting_after` a positive id. Nothing is clamped.
 */
export function readListQuery<S extends Record<string, Parser<unknown>>>(
  query: Record<string, unknown>,
  filters: S,
): { page: PageRequest; filters: Parsed<S> } {
  const parsers: Record<string, Parser<unknown>> = {
    ...filters,
    limit: positiveId,
    starting_after: positiveId,
  };
  const values: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(query)) {
    const parse = parsers[name];
    if (!parse) {
      throw new BadRequestError(`Onbekende queryparameter ${name}.`);
    }
    if (typeof raw !== 'string') {
      throw new BadRequestError(`Queryparameter ${name} mag maar een keer voorkomen.`);
    }
    values[name] = parse(raw, name);
  }

  const limit = (values.limit as number | undefined) ?? DEFAULT_LIMIT;
  if (limit > MAX_LIMIT) {
    throw new BadRequestError(`limit moet van 1 tot ${MAX_LIMIT} zijn.`);
  }
  const { limit: _limit, starting_after: startingAfter, ...rest } = values;

  return {
    // Nothing comes after an id beyond any row's, as nothing comes after the largest.
    page: {
      limit,
      startingAfter: Math.min((startingAfter as number | undefined) ?? 0, MAX_ROW_ID),
    },
    filters: rest as Parsed<S>,
  };
}

/** Builds a page from up to `limit + 1` rows fetched in ascending id order. */
export function toPage<T>(rows: T[], limit: number): Page<T> {
  return { data: rows.slice(0, limit), has_more: rows.length > limit };
}
