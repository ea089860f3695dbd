import { randomBytes } from 'node:crypto';

import type { TestClub } from '../test/support/test-app.js';

/** One HTTP request of a load, as the load generator sends it. */
export interface Shot {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

// Every key and every member of one bench process differs from all others, across runs too.
const PROCESS_TAG = randomBytes(4).toString('hex');
let sequence = 0;

export function uniqueTag(): string {
  sequence += 1;

  return `${PROCESS_TAG}-${sequence}`;
}

/** A member create item as an integrator sends it: name, email and two groups. */
export function memberData(club: TestClub, tag: string) {
  return {
    name: `Lid ${tag}`,
    email: `lid-${tag}@bench.example`,
    group_ids: club.groupIds.slice(0, 2),
  };
}

export function bulkBody(club: TestClub, items: number, tag: string): string {
  const operations = Array.from({ length: items }, (_, index) => ({
    op: 'create',
    data: memberData(club, `${tag}-${index}`),
  }));

  return JSON.stringify({ operations });
}

function headersOf(club: TestClub, key?: string): Record<string, string> {
  return {
    authorization: `Bearer ${club.key}`,
    'content-type': 'application/json',
    ...(key === undefined ? {} : { 'idempotency-key': key }),
  };
}

/** A new batch of `items` creates under its own key, with a body no other batch has. */
export function bulkShot(club: TestClub, items: number): Shot {
  const tag = uniqueTag();

  return {
    method: 'POST',
    path: '/api/v1/members/bulk',
    headers: headersOf(club, `bench-bulk-${tag}`),
    body: bulkBody(club, items, tag),
  };
}

/** One create, under its own key: the same protection a batch item has. */
export function singleShot(club: TestClub): Shot {
  const tag = uniqueTag();

  return {
    method: 'POST',
    path: '/api/v1/members',
    headers: headersOf(club, `bench-single-${tag}`),
    body: JSON.stringify(memberData(club, tag)),
  };
}

/** The same request again: same key, same body. */
export function replayShot(club: TestClub, key: string, body: string): Shot {
  return { method: 'POST', path: '/api/v1/members/bulk', headers: headersOf(club, key), body };
}

export function getClubShot(club: TestClub): Shot {
  return { method: 'GET', path: '/api/v1/club', headers: headersOf(club) };
}

/** Sends one request outside a load (to store a batch before it is replayed). */
export async function send(baseUrl: string, shot: Shot): Promise<{ status: number; body: string }> {
  const response = await fetch(`${baseUrl}${shot.path}`, {
    method: shot.method,
    headers: shot.headers,
    body: shot.body,
    signal: AbortSignal.timeout(60_000),
  });

  return { status: response.status, body: await response.text() };
}
