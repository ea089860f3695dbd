import { InvalidArgumentError } from 'commander';

const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/;

function daysInMonth(year: number, month: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month, 0);

  return date.getUTCDate();
}

// Date.parse would roll 2026-02-30 over into March and read a timestamp without a zone as
// local time, so the fields are checked one by one.
function instantOf(match: RegExpExecArray): Date | null {
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = [
    match[1],
    match[2],
    match[3],
    match[4],
    match[5],
    match[6] ?? '0',
    match[10] ?? '0',
    match[11] ?? '0',
  ].map(Number);
  const fits =
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59;
  if (!fits) {
    return null;
  }
  const milliseconds = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetMs = match[8] === 'Z' ? 0 : (offsetHour * 60 + offsetMinute) * 60_000;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, milliseconds);

  return new Date(date.getTime() - (match[9] === '-' ? -offsetMs : offsetMs));
}

/** `--plan-expires-at`: an ISO 8601 timestamp with `Z` or an offset, or `none` to clear it. */
export function parseTimestampOrNone(value: string): Date | null {
  if (value === 'none') {
    return null;
  }
  const match = TIMESTAMP.exec(value);
  const instant = match ? instantOf(match) : null;
  if (!instant) {
    throw new InvalidArgumentError(
      'Expected an ISO 8601 timestamp with a timezone, such as 2026-12-31T23:00:00Z or ' +
        '2026-12-31T23:00:00+01:00, or none.',
    );
  }

  return instant;
}

/** `--since`: an ISO 8601 timestamp with `Z` or an offset. */
export function parseTimestamp(value: string): Date {
  const instant = value === 'none' ? null : parseTimestampOrNone(value);
  if (!instant) {
    throw new InvalidArgumentError('Expected an ISO 8601 timestamp with a timezone.');
  }

  return instant;
}

export function parseBoolean(value: string): boolean {
  if (value !== 'true' && value !== 'false') {
    throw new InvalidArgumentError('Expected true or false.');
  }

  return value === 'true';
}

/** `--scopes a,b`: the names as given; the service says which it does not know. */
export function parseList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
