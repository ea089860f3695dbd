import { createHash, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = /^ct_live_[0-9A-Za-z]{32}$/;
export const PREFIX_LENGTH = 12;

/** A new key: `ct_live_` and 32 base62 characters from the system's CSPRNG. */
export function generateApiKey(): string {
  let random = '';
  for (let i = 0; i < 32; i++) {
    random += BASE62[randomInt(BASE62.length)];
  }

  return `ct_live_${random}`;
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/** Only this hash is stored, never the key itself. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function prefixOf(key: string): string {
  return key.slice(0, PREFIX_LENGTH);
}
