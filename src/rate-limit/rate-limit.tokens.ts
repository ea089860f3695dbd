import type { Request } from 'express';

export const RATE_LIMIT_TRACKER = Symbol('RATE_LIMIT_TRACKER');

/** Whose budget a request counts against (an API key), or undefined for one not counted. */
export type RateLimitTracker = (request: Request) => string | undefined;
