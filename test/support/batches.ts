import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** A member bulk body of `count` creates named `<name> 0`, `<name> 1`, … */
export function memberCreates(count: number, name = 'Lid') {
  return {
    operations: Array.from({ length: count }, (_, i) => ({
      op: 'create',
      data: { name: `${name} ${i}` },
    })),
  };
}

/** Polls `condition` every 20 ms until it holds; fails the test after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    assert.ok(Date.now() < deadline, 'timed out');
    await sleep(20);
  }
}
