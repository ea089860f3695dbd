import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EntityManager } from 'typeorm';

import { NotFoundError, ValidationFailedError } from '../common/errors/domain-error.js';
import type { TransactionRunner } from '../common/persistence/transaction-runner.js';
import { BatchRunner } from './batch-runner.js';
import type { ItemResult } from './batch-runner.js';
import { LeaseLostError } from './domain/idempotency-key.js';
import { KeyClaim } from './key-claim.js';
import type { IdempotencyKeyStore } from './persistence/idempotency-key.store.js';

// A transaction runner that records which transactions committed and which rolled back.
function fakes() {
  const committed: { index: number; result: unknown }[] = [];
  let open: { index: number; result: unknown }[] = [];
  const db = {
    async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
      open = [];
      const result = await work({} as EntityManager);
      committed.push(...open);

      return result;
    },
  } as unknown as TransactionRunner;
  const keys = {
    setItemsTotal: async () => undefined,
    async recordItem(_manager: EntityManager, _claim: KeyClaim, index: number, result: unknown) {
      open.push({ index, result });
    },
  } as unknown as IdempotencyKeyStore;

  return { runner: new BatchRunner(db, keys), committed };
}

const ok = (index: number): ItemResult => ({ status: 201, id: 100 + index });

describe('BatchRunner', () => {
  it('runs the items one after another in array order and answers one result each', async () => {
    const { runner, committed } = fakes();
    const seen: number[] = [];

    const batch = await runner.run(
      new KeyClaim(1, 1, new Map()),
      ['a', 'b', 'c'],
      async (_m, _item, i) => {
        seen.push(i);

        return ok(i);
      },
    );

    assert.deepEqual(seen, [0, 1, 2]);
    assert.deepEqual(batch, { results: [ok(0), ok(1), ok(2)], succeeded: 3, failed: 0 });
    assert.deepEqual(
      committed.map((c) => c.index),
      [0, 1, 2],
    );
  });

  it('answers items from the ledger without running them again', async () => {
    const { runner } = fakes();
    const claim = new KeyClaim(
      1,
      2,
      new Map([
        [0, ok(0)],
        [1, ok(1)],
      ]),
    );
    const seen: number[] = [];

    const batch = await runner.run(claim, ['a', 'b', 'c', 'd'], async (_m, _item, i) => {
      seen.push(i);

      return ok(i);
    });

    assert.deepEqual(seen, [2, 3]);
    assert.equal(batch.results.length, 4);
    assert.deepEqual(batch.results[0], ok(0));
  });

  it('fails an item with a domain error alone and remembers its failure', async () => {
    const { runner, committed } = fakes();

    const batch = await runner.run(
      new KeyClaim(1, 1, new Map()),
      [{ id: 7 }, { id: 8 }, { id: 9 }],
      async (_m, item, i) => {
        if (item.id === 8) {
          throw new NotFoundError('Lid 8 bestaat niet.');
        }
        if (item.id === 9) {
          throw new ValidationFailedError([
            { field: 'name', message: 'Is verplicht.' },
          ]).nestedUnder('data');
        }

        return ok(i);
      },
      { idOfFailed: (item) => item.id },
    );

    assert.deepEqual(batch.results[1], {
      status: 404,
      id: 8,
      code: 'not_found',
      error: 'Lid 8 bestaat niet.',
    });
    assert.equal(batch.results[2].code, 'validation_failed');
    assert.deepEqual(batch.results[2].errors, [{ field: 'data.name', message: 'Is verplicht.' }]);
    assert.equal(batch.succeeded, 1);
    assert.equal(batch.failed, 2);
    assert.deepEqual(
      committed.map((c) => c.index),
      [0, 1, 2],
    );
  });

  it('stops the batch at an unexpected error, keeping what was committed before it', async () => {
    const { runner, committed } = fakes();
    const seen: number[] = [];

    await assert.rejects(
      runner.run(new KeyClaim(1, 1, new Map()), ['a', 'b', 'c'], async (_m, _item, i) => {
        seen.push(i);
        if (i === 1) {
          throw new Error('database went away');
        }

        return ok(i);
      }),
      /database went away/,
    );

    assert.deepEqual(seen, [0, 1]);
    assert.deepEqual(
      committed.map((c) => c.index),
      [0],
    );
  });

  it('does not record a failure for an item whose lease was lost', async () => {
    const { runner, committed } = fakes();

    await assert.rejects(
      runner.run(new KeyClaim(1, 1, new Map()), ['a'], async () => {
        throw new LeaseLostError();
      }),
      LeaseLostError,
    );

    assert.deepEqual(committed, []);
  });

  it('answers a single write from the ledger on a retry', async () => {
    const { runner } = fakes();
    const claim = new KeyClaim(1, 2, new Map([[0, { id: 5 }]]));
    let ran = false;

    const result = await runner.runSingle(claim, async () => {
      ran = true;

      return { id: 6 };
    });

    assert.deepEqual(result, { id: 5 });
    assert.equal(ran, false);
  });
});
