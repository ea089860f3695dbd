/**
 * A request's hold on its idempotency key: the key's row, the fencing token of this claim,
 * and the results of the items an earlier holder already applied.
 */
export class KeyClaim {
  /** Items this holder committed; with none, a failure may free the key again. */
  appliedHere = 0;

  constructor(
    readonly keyId: number,
    readonly token: number,
    readonly completed: ReadonlyMap<number, unknown>,
  ) {}

  get appliedAny(): boolean {
    return this.appliedHere > 0 || this.completed.size > 0;
  }
}
