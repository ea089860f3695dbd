import {
  BadRequestError,
  PayloadTooLargeError,
  ValidationFailedError,
} from '../../common/errors/domain-error.js';

export const MAX_BATCH_ITEMS = 100;

/**
 * The items of a bulk body `{ "<field>": [...] }`: a missing or non-array field, or any other
 * top-level member, is unreadable (400 `bad_request`); an empty array is `validation_failed`;
 * more than 100 items is 413 `payload_too_large`.
 */
export function readBatch(body: unknown, field: string): unknown[] {
  const isObject = typeof body === 'object' && body !== null && !Array.isArray(body);
  const items = isObject ? (body as Record<string, unknown>)[field] : undefined;
  if (!isObject || !Array.isArray(items) || Object.keys(body).length !== 1) {
    throw new BadRequestError(`De body moet {"${field}": [...]} zijn.`);
  }
  if (items.length === 0) {
    throw new ValidationFailedError([{ field, message: 'Moet minstens een item bevatten.' }]);
  }
  if (items.length > MAX_BATCH_ITEMS) {
    throw new PayloadTooLargeError(`Hoogstens ${MAX_BATCH_ITEMS} items per verzoek.`);
  }

  return items;
}
