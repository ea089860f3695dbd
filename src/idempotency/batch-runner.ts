import { Injectable, Logger } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { EntityManager } from 'typeorm';

import { DomainError, ValidationFailedError } from '../common/errors/domain-error.js';
import type { FieldError } from '../common/errors/domain-error.js';
import { TransactionRunner } from '../common/persistence/transaction-runner.js';
import { LeaseLostError } from './domain/idempotency-key.js';
import type { KeyClaim } from './key-claim.js';
import { IdempotencyKeyStore } from './persistence/idempotency-key.store.js';

export interface ItemResult {
  status: number;
  id?: number;
  code?: string;
  error?: string;
  errors?: FieldError[];
}

export interface BatchResult {
  results: ItemResult[];
  succeeded: number;
  failed: number;
}

/**
 * Applies one item inside the transaction it is handed. A {@link DomainError} fails the item
 * alone; any other error stops the batch (the request answers 500 and a retry resumes).
 */
export type ItemHandler<T> = (
  manager: EntityManager,
  item: T,
  index: number,
) => Promise<ItemResult>;

/**
 * Runs a batch item by item, in array order, each item in its own transaction together with
 * its ledger row, so that what an item did and the record that it did it commit as one. Items
 * the ledger already holds (a retry after a crash) are answered from it and not run again.
 *
 * @example
 * return this.batches.run(claim, body.operations, (manager, op) => this.apply(manager, op), {
 *   idOfFailed: (op) => op.id,
 * });
 */
@Injectable()
export class BatchRunner {
  private readonly logger = new Logger(BatchRunner.name);

  constructor(
    private readonly db: TransactionRunner,
    private readonly keys: IdempotencyKeyStore,
  ) {}

  async run<T>(
    claim: KeyClaim,
    items: readonly T[],
    handle: ItemHandler<T>,
    options: { idOfFailed?: (item: T) => number | undefined } = {},
  ): Promise<BatchResult> {
    if (claim.completed.size === 0) {
      await this.keys.setItemsTotal(claim, items.length);
    }

    const results: ItemResult[] = [];
    for (const [index, item] of items.entries()) {
      // SQLite answers synchronously: without a turn of the event loop between items, a batch
      // would hold off signals, timers (the lease renewal) and other connections to its end.
      await nextTurn();
      const earlier = claim.completed.get(index) as ItemResult | undefined;
      results.push(earlier ?? (await this.runItem(claim, index, item, handle, options.idOfFailed)));
    }
    const succeeded = results.filter((result) => result.status < 300).length;

    return { results, succeeded, failed: results.length - succeeded };
  }

  /**
   * One write outside a batch, in its own transaction. Under a key its result goes to the
   * ledger in that transaction, so a retry after a crash answers it instead of writing again.
   */
  async runSingle<R>(claim: KeyClaim | undefined, work: (manager: EntityManager) => Promise<R>) {
    if (!claim) {
      return this.db.transaction(work);
    }
    if (claim.completed.has(0)) {
      return claim.completed.get(0) as R;
    }

    return this.commitItem(claim, 0, work);
  }

  private async runItem<T>(
    claim: KeyClaim,
    index: number,
    item: T,
    handle: ItemHandler<T>,
    idOfFailed?: (item: T) => number | undefined,
  ): Promise<ItemResult> {
    try {
      return await this.commitItem(claim, index, (manager) => handle(manager, item, index));
    } catch (error) {
      if (!(error instanceof DomainError) || error instanceof LeaseLostError) {
        throw error;
      }
      const result = failedItem(error, idOfFailed?.(item));
      this.logger.debug(`Item ${index} of key #${claim.keyId} failed: ${error.code}`);
      // The item's own transaction rolled back; its failure is still remembered, so a retry
      // answers the same result even if the data changed in between.
      await this.db.transaction((manager) => this.keys.recordItem(manager, claim, index, result));
      claim.appliedHere++;

      return result;
    }
  }

  private async commitItem<R>(
    claim: KeyClaim,
    index: number,
    work: (manager: EntityManager) => Promise<R>,
  ): Promise<R> {
    const result = await this.db.transaction(async (manager) => {
      const outcome = await work(manager);
      await this.keys.recordItem(manager, claim, index, outcome);

      return outcome;
    });
    claim.appliedHere++;

    return result;
  }
}

function failedItem(error: DomainError, id: number | undefined): ItemResult {
  return {
    status: error.status,
    ...(id === undefined ? {} : { id }),
    code: error.code,
    error: error.detail,
    ...(error instanceof ValidationFailedError ? { errors: error.errors } : {}),
  };
}
