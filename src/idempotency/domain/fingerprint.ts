import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { LRUCache } from 'lru-cache';

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

/** The bytes a JSON body was parsed from, with the `Content-Type` they were read as. */
export interface RawBody {
  bytes: Buffer;
  contentType: string | undefined;
}

const REMEMBERED = 10_000;

/**
 * Fingerprints that remember the last requests' raw bytes: a retry sends the same bytes, and
 * hashing them costs a fraction of making a 100-item body canonical again. The same bytes read
 * with the same `Content-Type` always parse to the same body, so the answer is the same.
 */
export class Fingerprints {
  private readonly byRawBody = new LRUCache<string, string>({ max: REMEMBERED });

  of(method: string, pathWithQuery: string, body: unknown, raw?: RawBody): string {
    if (!raw) {
      return fingerprintOf(method, pathWithQuery, body);
    }
    const rawDigest = createHash('sha256')
      .update(`${method.toUpperCase()}\n${pathWithQuery}\n${raw.contentType ?? ''}\n`)
      .update(raw.bytes)
      .digest('base64');
    let fingerprint = this.byRawBody.get(rawDigest);
    if (fingerprint === undefined) {
      fingerprint = fingerprintOf(method, pathWithQuery, body);
      this.byRawBody.set(rawDigest, fingerprint);
    }

    return fingerprint;
  }
}
