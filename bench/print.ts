/** The bench's progress lines, on stdout (no console, as in src/). */
export function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** A number for people: thousands separated, at most `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits });
}
