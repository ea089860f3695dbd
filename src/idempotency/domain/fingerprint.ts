import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * A request's fingerprint: its method, its path with the query string, and its body as
 * canonical JSON (RFC 8785: keys sorted, no insignificant whitespace, array order kept).
 * Headers take no part in it.
 */
export function fingerprintOf(method: string, pathWithQuery: string, body: unknown): string {
  const canonicalBody = canonicalize(body ?? null) ?? 'null';

  return createHash('sha256')
    .update(`${method.toUpperCase()}\n${pathWithQuery}\n${canonicalBody}`)
    .digest('hex');
}
