import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { LessThanOrEqual } from 'typeorm';
import type { EntityManager } from 'typeorm';

import { SqlStatement, isPostgres, timestampOf } from '../../common/persistence/sql-statement.js';
import { TransactionRunner } from '../../common/persistence/transaction-runner.js';
import { LeaseLostError } from '../domain/idempotency-key.js';
import type { StoredResponse } from '../domain/idempotency-key.js';
import { IDEMPOTENCY_OPTIONS } from '../idempotency.options.js';
import type { IdempotencyOptions } from '../idempotency.options.js';
import { KeyClaim } from '../key-claim.js';
import { IdempotencyItemEntity } from './idempotency-item.entity.js';
import { IdempotencyKeyEntity } from './idempotency-key.entity.js';

export interface ClaimRequest {
  tenant: string;
  key: string;
  method: string;
  path: string;
  fingerprint: string;
  permission: string;
}

export type ClaimOutcome =
  | { kind: 'acquired'; claim: KeyClaim }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'reuse' }
  | { kind: 'running'; leaseExpiresAt: Date };

const FIND_KEY = new SqlStatement(
  'SELECT id, tenant, key, method, path, fingerprint, permission, state, holder, ' +
    'lease_token AS "leaseToken", lease_expires_at AS "leaseExpiresAt", ' +
    'items_total AS "itemsTotal", items_done AS "itemsDone", ' +
    'response_status AS "responseStatus", response_headers AS "responseHeaders", ' +
    'response_body AS "responseBody", created_at AS "createdAt", expires_at AS "expiresAt" ' +
    'FROM idempotency_keys WHERE tenant = ? AND key = ?',
);

// Run by every item: statements prepared once.
const FENCE_ITEM = new SqlStatement(
  'UPDATE idempotency_keys SET items_done = items_done + 1, lease_expires_at = ? ' +
    'WHERE id = ? AND lease_token = ?',
);
const RECORD_ITEM = new SqlStatement(
  'INSERT INTO idempotency_items (key_id, item_index, result) VALUES (?, ?, ?)',
);
// One round trip on PostgreSQL: the ledger row is written only if the fence held.
const FENCE_AND_RECORD_ITEM = new SqlStatement(
  'WITH fenced AS (UPDATE idempotency_keys SET items_done = items_done + 1, ' +
    'lease_expires_at = ? WHERE id = ? AND lease_token = ? RETURNING id) ' +
    'INSERT INTO idempotency_items (key_id, item_index, result) SELECT id, ?, ? FROM fenced',
);

// The ledger rows go with their key (ON DELETE CASCADE).
const PURGE_EXPIRED = new SqlStatement(
  'DELETE FROM idempotency_keys WHERE id IN ' +
    '(SELECT id FROM idempotency_keys WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)',
);
const PURGE_BATCH = 500;
const PURGE_PAUSE_MS = 10;
const CLAIM_ATTEMPTS = 3;

/**
 * The keys and their ledger in the database. Every change of a key's row after its claim is
 * fenced by the lease token the claim handed out, so a request that lost its key to another
 * can no longer write under it.
 */
@Injectable()
export class IdempotencyKeyStore {
  constructor(
    private readonly db: TransactionRunner,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {}

  /**
   * Claims the key in one atomic step: a new key is inserted (a unique index settles a race),
   * an expired one is taken over as new, an abandoned one (its lease lapsed) is taken over with
   * its ledger. Anything else is answered from what the row says.
   */
  async claim(request: ClaimRequest): Promise<ClaimOutcome> {
    // A retry of a finished request is answered from one read, without a write transaction.
    const known = await this.find(request.tenant, request.key);
    if (known) {
      const settled = settledOutcome(known, request, new Date());
      if (settled) {
        return settled;
      }
    }
    // The row that stopped the insert can be gone by the time it is read (its request was
    // refused and freed the key): then the claim is simply tried again.
    for (let attempt = 1; attempt <= CLAIM_ATTEMPTS; attempt++) {
      const outcome = await this.tryClaim(request);
      if (outcome !== 'vanished') {
        return outcome;
      }
    }

    return { kind: 'running', leaseExpiresAt: this.leaseEnd() };
  }

  private async tryClaim(request: ClaimRequest): Promise<ClaimOutcome | 'vanished'> {
    return this.db.transaction(async (manager) => {
      const holder = randomUUID();
      const now = new Date();
      await manager
        .createQueryBuilder()
        .insert()
        .into(IdempotencyKeyEntity)
        .values(this.freshRow(request, holder, now))
        .orIgnore()
        // An ignored insert has no generated id to read back; the row is read below instead.
        .updateEntity(false)
        .execute();
      const row = await manager.findOneBy(IdempotencyKeyEntity, {
        tenant: request.tenant,
        key: request.key,
      });
      if (!row) {
        return 'vanished';
      }
      if (row.holder === holder) {
        return { kind: 'acquired', claim: new KeyClaim(row.id, row.leaseToken, new Map()) };
      }

      if (row.expiresAt <= now) {
        return this.takeOverExpired(manager, row, request, holder, now);
      }

      return settledOutcome(row, request, now) ?? this.takeOverAbandoned(manager, row, holder, now);
    });
  }

  /** Extends the lease; false when the claim was lost to another request. */
  async renew(claim: KeyClaim): Promise<boolean> {
    const result = await this.db.transaction((manager) =>
      manager.update(
        IdempotencyKeyEntity,
        { id: claim.keyId, leaseToken: claim.token },
        { leaseExpiresAt: this.leaseEnd() },
      ),
    );

    return result.affected === 1;
  }

  /**
   * Writes one item's result to the ledger inside that item's transaction, after checking
   * that the claim still holds the key. A lost claim throws, and the item rolls back with it.
   */
  async recordItem(
    manager: EntityManager,
    claim: KeyClaim,
    index: number,
    result: unknown,
  ): Promise<void> {
    const leaseEnd = this.leaseEnd();
    const stored = JSON.stringify(result);
    if (isPostgres(manager)) {
      const { affected } = await FENCE_AND_RECORD_ITEM.run(manager, [
        leaseEnd,
        claim.keyId,
        claim.token,
        index,
        stored,
      ]);
      if (affected !== 1) {
        throw new LeaseLostError();
      }

      return;
    }
    const fenced = await FENCE_ITEM.run(manager, [leaseEnd, claim.keyId, claim.token]);
    if (fenced.affected !== 1) {
      throw new LeaseLostError();
    }
    await RECORD_ITEM.run(manager, [claim.keyId, index, stored]);
  }

  async setItemsTotal(claim: KeyClaim, total: number): Promise<void> {
    await this.fencedUpdate(claim, { itemsTotal: total });
  }

  async complete(claim: KeyClaim, response: StoredResponse): Promise<void> {
    await this.fencedUpdate(claim, {
      state: 'completed',
      responseStatus: response.status,
      responseHeaders: JSON.stringify(response.headers),
      responseBody: response.body,
    });
  }

  /** Forgets a claim under which nothing was applied: the key is free again. */
  async release(claim: KeyClaim): Promise<void> {
    await this.db.transaction((manager) =>
      manager.delete(IdempotencyKeyEntity, { id: claim.keyId, leaseToken: claim.token }),
    );
  }

  /** Ends the lease at once, so that a retry resumes without waiting for it to lapse. */
  async abandon(claim: KeyClaim): Promise<void> {
    await this.fencedUpdate(claim, { leaseExpiresAt: new Date() });
  }

  /** The tenant's unexpired key, read by a statement prepared once: every request asks. */
  async find(tenant: string, key: string): Promise<IdempotencyKeyEntity | null> {
    const { rows } = await this.db.read((manager) =>
      FIND_KEY.run<IdempotencyKeyEntity>(manager, [tenant, key]),
    );
    const row = rows[0];
    if (!row) {
      return null;
    }
    Object.assign(row, {
      leaseExpiresAt: timestampOf(row.leaseExpiresAt),
      createdAt: timestampOf(row.createdAt),
      expiresAt: timestampOf(row.expiresAt),
    });

    return row.expiresAt > new Date() ? row : null;
  }

  /**
   * Deletes keys past their retention, with their ledgers, in small batches with a pause
   * between them, so that the requests waiting for the database go first; answers how many.
   */
  async purgeExpired(now = new Date()): Promise<number> {
    let purged = 0;
    for (;;) {
      const { affected } = await this.db.transaction((manager) =>
        PURGE_EXPIRED.run(manager, [now, PURGE_BATCH]),
      );
      purged += affected;
      if (affected < PURGE_BATCH) {
        return purged;
      }
      await sleep(PURGE_PAUSE_MS);
    }
  }

  private async fencedUpdate(claim: KeyClaim, changes: Partial<IdempotencyKeyEntity>) {
    const result = await this.db.transaction((manager) =>
      manager.update(IdempotencyKeyEntity, { id: claim.keyId, leaseToken: claim.token }, changes),
    );
    if (result.affected !== 1) {
      throw new LeaseLostError();
    }
  }

  private async takeOverExpired(
    manager: EntityManager,
    row: IdempotencyKeyEntity,
    request: ClaimRequest,
    holder: string,
    now: Date,
  ): Promise<ClaimOutcome> {
    const { leaseToken: _fresh, ...fresh } = this.freshRow(request, holder, now);
    const taken = await manager.update(
      IdempotencyKeyEntity,
      { id: row.id, leaseToken: row.leaseToken, expiresAt: LessThanOrEqual(now) },
      { ...fresh, leaseToken: row.leaseToken + 1 },
    );
    if (taken.affected !== 1) {
      return { kind: 'running', leaseExpiresAt: this.leaseEnd(now) };
    }
    await manager.delete(IdempotencyItemEntity, { keyId: row.id });

    return { kind: 'acquired', claim: new KeyClaim(row.id, row.leaseToken + 1, new Map()) };
  }

  private async takeOverAbandoned(
    manager: EntityManager,
    row: IdempotencyKeyEntity,
    holder: string,
    now: Date,
  ): Promise<ClaimOutcome> {
    const taken = await manager.update(
      IdempotencyKeyEntity,
      { id: row.id, leaseToken: row.leaseToken },
      { holder, leaseToken: row.leaseToken + 1, leaseExpiresAt: this.leaseEnd(now) },
    );
    if (taken.affected !== 1) {
      return { kind: 'running', leaseExpiresAt: this.leaseEnd(now) };
    }
    const items = await manager.find(IdempotencyItemEntity, { where: { keyId: row.id } });
    const completed = new Map(items.map((item) => [item.itemIndex, JSON.parse(item.result)]));

    return { kind: 'acquired', claim: new KeyClaim(row.id, row.leaseToken + 1, completed) };
  }

  private freshRow(request: ClaimRequest, holder: string, now: Date) {
    return {
      ...request,
      state: 'in_progress' as const,
      holder,
      leaseToken: 1,
      leaseExpiresAt: this.leaseEnd(now),
      itemsTotal: null,
      itemsDone: 0,
      responseStatus: null,
      responseHeaders: null,
      responseBody: null,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.options.retentionMs),
    };
  }

  private leaseEnd(now = new Date()): Date {
    return new Date(now.getTime() + this.options.leaseMs);
  }
}

/**
 * What an unexpired key answers without being taken: a replay, a reuse or a running request;
 * undefined when its request died and the key may be taken over.
 */
function settledOutcome(
  row: IdempotencyKeyEntity,
  request: ClaimRequest,
  now: Date,
): ClaimOutcome | undefined {
  if (row.expiresAt <= now) {
    return undefined;
  }
  if (row.fingerprint !== request.fingerprint) {
    return { kind: 'reuse' };
  }
  if (row.state === 'completed') {
    return { kind: 'replay', response: storedResponseOf(row) };
  }
  if (row.leaseExpiresAt > now) {
    return { kind: 'running', leaseExpiresAt: row.leaseExpiresAt };
  }

  return undefined;
}

function storedResponseOf(row: IdempotencyKeyEntity): StoredResponse {
  return {
    status: row.responseStatus ?? 200,
    headers: JSON.parse(row.responseHeaders ?? '{}') as Record<string, string>,
    body: row.responseBody ?? '',
  };
}
