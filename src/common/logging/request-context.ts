import { AsyncLocalStorage } from 'node:async_hooks';

/** What the log lines written while serving a request say about it. */
export interface RequestFields {
  requestId: string;
  clubId?: number;
  idempotencyKey?: string;
}

const storage = new AsyncLocalStorage<RequestFields>();

/**
 * The request being served, carried along every async call made for it, so that a log line
 * names its request, club and idempotency key without any caller passing them on. The club
 * and the key are filled in as they become known.
 *
 * @example
 * RequestContext.setClubId(auth.clubId); // in the guard, once the key authenticated
 */
export class RequestContext {
  static run<R>(fields: RequestFields, work: () => R): R {
    return storage.run(fields, work);
  }

  /** The request being served, or undefined outside a request (boot, background jobs). */
  static current(): Readonly<RequestFields> | undefined {
    return storage.getStore();
  }

  static setClubId(clubId: number): void {
    const fields = storage.getStore();
    if (fields) {
      fields.clubId = clubId;
    }
  }

  static setIdempotencyKey(key: string): void {
    const fields = storage.getStore();
    if (fields) {
      fields.idempotencyKey = key;
    }
  }
}
