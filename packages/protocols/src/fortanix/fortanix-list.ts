// `GET /crypto/v1/keys` (OpenAPI `ListSobjects`): its query (`ListSobjectsParams`) read from a URL's parameters, and
// the answer (`ListSobjectsResponse`) for a set of security objects, for every DSM emulation to share.
import { z } from 'zod';
import {
  FORTANIX_OBJECT_TYPES,
  type FortanixListSobjectsResponse,
  type FortanixPrincipal,
  type FortanixSobject,
} from './fortanix-schema.js';

/** A boolean query parameter: the Go client writes `%v` of a bool, `true` or `false`. */
const booleanParameter = z.enum(['true', 'false']).transform((value) => value === 'true');
/** A count parameter: decimal digits (OpenAPI `integer`, read by the Go client from a `uint`). */
const countParameter = z
  .string()
  .regex(/^\d{1,10}$/, 'must be a non-negative integer')
  .transform(Number)
  .pipe(z.number().max(4294967295));
/** A name as OpenAPI `ListSobjectsParams.name` allows: one line, not only white space, at most 4096 characters. */
const nameParameter = z
  .string()
  .max(4096)
  .regex(/^[^\n]*[^\s\n][^\n]*$/, 'must be one line with a non-space character');

/** OpenAPI `SobjectSort` as a query parameter: `kid:asc`, `kid:desc`, `name:asc`, `name:desc`. */
const SORT_ORDERS = ['kid:asc', 'kid:desc', 'name:asc', 'name:desc'] as const;

/**
 * OpenAPI `ListSobjectsParams` as query parameters, the ones that choose objects or shape the answer: `name`,
 * `group_id`, `creator`, `obj_type`, `sort` with `start`, `limit` (DSM's default 1000), `offset`, `with_metadata`.
 * The others (`show_*`, `compliant_with_policies`, `filter`, ...) pass unchecked and change nothing here.
 */
export const fortanixListSobjectsQuerySchema = z.looseObject({
  name: nameParameter.optional(),
  group_id: z.guid().optional(),
  creator: z.guid().optional(),
  obj_type: z.enum(FORTANIX_OBJECT_TYPES).optional(),
  sort: z.enum(SORT_ORDERS).optional(),
  /** The first kid or name to list, in `sort` order. */
  start: nameParameter.optional(),
  limit: countParameter.optional(),
  offset: countParameter.optional(),
  with_metadata: booleanParameter.optional(),
});
/** A list query, as read from the URL. */
export type FortanixListSobjectsQuery = z.infer<typeof fortanixListSobjectsQuerySchema>;

/** DSM's default `limit`. */
const DEFAULT_LIMIT = 1000;

function creatorId(creator: FortanixPrincipal): string | undefined {
  if (typeof creator === 'string') return undefined;
  if ('app' in creator) return creator.app;
  if ('user' in creator) return creator.user;
  if ('plugin' in creator) return creator.plugin;
  return creator.userviaapp.user_id;
}

/**
 * The `GET /crypto/v1/keys` answer over `sobjects` (every object the caller may see, in the holder's order): those
 * the filters match, sorted when asked, from `start`, then `offset` skipped and at most `limit` kept; an array, or
 * `{metadata: {total_count, filtered_count}, items}` for `with_metadata=true`.
 */
export function listFortanixSobjects(
  sobjects: readonly FortanixSobject[],
  query: FortanixListSobjectsQuery,
): FortanixListSobjectsResponse {
  const same = (a: string | null | undefined, b: string | undefined) =>
    b === undefined || a?.toLowerCase() === b.toLowerCase();
  let matching = sobjects.filter(
    (sobject) =>
      (query.name === undefined || sobject.name === query.name) &&
      same(sobject.group_id, query.group_id) &&
      (query.creator === undefined || same(creatorId(sobject.creator), query.creator)) &&
      (query.obj_type === undefined || sobject.obj_type === query.obj_type),
  );
  if (query.sort !== undefined) {
    const [by, order] = query.sort.split(':') as ['kid' | 'name', 'asc' | 'desc'];
    const sign = order === 'asc' ? 1 : -1;
    const keyOf = (sobject: FortanixSobject) =>
      (by === 'kid' ? sobject.kid?.toLowerCase() : sobject.name) ?? '';
    const start = by === 'kid' ? query.start?.toLowerCase() : query.start;
    matching = [...matching].sort((a, b) => sign * (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    if (start !== undefined)
      matching = matching.filter(
        (sobject) => sign * (keyOf(sobject) < start ? -1 : keyOf(sobject) > start ? 1 : 0) >= 0,
      );
  }
  const offset = query.offset ?? 0;
  const items = matching.slice(offset, offset + (query.limit ?? DEFAULT_LIMIT));
  return query.with_metadata === true
    ? { metadata: { total_count: sobjects.length, filtered_count: matching.length }, items }
    : items;
}
