import { Inject, Injectable, Logger } from '@nestjs/common';
import type { CallHandler, ExecutionContext, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { defer, lastValueFrom } from 'rxjs';
import type { Observable } from 'rxjs';
import { setTimeout as sleep } from 'node:timers/promises';

import { RequestContext } from '../common/logging/request-context.js';
import { Fingerprints } from './domain/fingerprint.js';
import type { RawBody } from './domain/fingerprint.js';
import {
  IdempotencyKeyInProgressError,
  IdempotencyKeyRequiredError,
  IdempotencyKeyReuseError,
  LeaseLostError,
  parseKeyHeader,
} from './domain/idempotency-key.js';
import type { StoredResponse } from './domain/idempotency-key.js';
import { IDEMPOTENCY_OPTIONS } from './idempotency.options.js';
import type { IdempotencyOptions } from './idempotency.options.js';
import type { KeyClaim } from './key-claim.js';
import { IdempotencyKeyStore } from './persistence/idempotency-key.store.js';
import type { ClaimOutcome, ClaimRequest } from './persistence/idempotency-key.store.js';

export const IDEMPOTENT = 'idempotency:settings';
export const KEY_CLAIM = Symbol('keyClaim');
export const REPLAYED_HEADER = 'Idempotency-Replayed';

export interface IdempotentSettings {
  /** Refuse the request without a key (bulk endpoints) instead of running it unprotected. */
  required: boolean;
}

const POLL_MS = 50;

type ClaimedRequest = Request & { [KEY_CLAIM]?: KeyClaim };

/**
 * Gives a write endpoint idempotency keys: validates the `Idempotency-Key` header, claims the
 * key for the request's tenant by its fingerprint, replays a stored response with
 * `Idempotency-Replayed: true`, answers 409 for a reused or still running key, keeps the lease
 * alive while the handler runs and stores what it answered. Use it through `@Idempotent()`.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger(IdempotencyInterceptor.name);
  private readonly fingerprints = new Fingerprints();

  constructor(
    private readonly keys: IdempotencyKeyStore,
    private readonly reflector: Reflector,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const settings = this.reflector.get<IdempotentSettings>(IDEMPOTENT, context.getHandler());
    const request = context.switchToHttp().getRequest<ClaimedRequest>();
    const header = request.headers['idempotency-key'];
    if (header === undefined) {
      if (settings?.required) {
        throw new IdempotencyKeyRequiredError();
      }

      return next.handle();
    }
    const key = parseKeyHeader(header);
    RequestContext.setIdempotencyKey(key);

    return defer(() => this.handle(context, next, key));
  }

  private async handle(context: ExecutionContext, next: CallHandler, key: string) {
    const request = context.switchToHttp().getRequest<ClaimedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const claimRequest: ClaimRequest = {
      tenant: this.options.tenantOf(request),
      key,
      method: request.method,
      path: request.originalUrl,
      fingerprint: this.fingerprints.of(
        request.method,
        request.originalUrl,
        request.body,
        rawBodyOf(request),
      ),
      permission: this.options.permissionOf(context),
    };

    const outcome = await this.claimOrWait(claimRequest);
    switch (outcome.kind) {
      case 'reuse':
        throw new IdempotencyKeyReuseError();
      case 'running':
        throw new IdempotencyKeyInProgressError(
          Math.max(1, Math.ceil((outcome.leaseExpiresAt.getTime() - Date.now()) / 1000)),
        );
      case 'replay':
        this.logger.debug(`Key "${key}" of ${claimRequest.tenant} replayed`);

        return send(response, outcome.response, true);
      case 'acquired':
        request[KEY_CLAIM] = outcome.claim;

        return this.execute(outcome.claim, claimRequest, next, response);
    }
  }

  // A second request for a running key waits a little for the first to finish.
  private async claimOrWait(request: ClaimRequest): Promise<ClaimOutcome> {
    const deadline = Date.now() + this.options.waitMs;
    for (;;) {
      const outcome = await this.keys.claim(request);
      if (outcome.kind !== 'running' || Date.now() + POLL_MS > deadline) {
        return outcome;
      }
      await sleep(POLL_MS);
    }
  }

  private async execute(
    claim: KeyClaim,
    request: ClaimRequest,
    next: CallHandler,
    response: Response,
  ): Promise<string | undefined> {
    const renewal = setInterval(() => void this.renew(claim, request), this.options.leaseMs / 3);
    renewal.unref();
    try {
      const value: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const stored = toStoredResponse(response, value);
      await this.keys.complete(claim, stored).catch(async (error: unknown) => {
        // Every item is in the ledger already: a retry rebuilds this answer without rerunning.
        this.logger.error(
          `Key "${request.key}" of ${request.tenant}: the response could not be stored`,
          error instanceof Error ? error.stack : String(error),
        );
        await this.settleFailure(claim, request, error);
      });

      return send(response, stored, false);
    } catch (error) {
      await this.settleFailure(claim, request, error);
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  private async renew(claim: KeyClaim, request: ClaimRequest): Promise<void> {
    try {
      if (!(await this.keys.renew(claim))) {
        this.logger.warn(`Key "${request.key}" of ${request.tenant} was taken over`);
      }
    } catch (error) {
      this.logger.warn(`Key "${request.key}" of ${request.tenant}: lease renewal failed`);
      this.logger.debug(error instanceof Error ? error.message : String(error));
    }
  }

  // With nothing applied the key is freed; with some items applied it is left for a retry,
  // which resumes where this request stopped.
  private async settleFailure(claim: KeyClaim, request: ClaimRequest, error: unknown) {
    if (error instanceof LeaseLostError) {
      return;
    }
    try {
      await (claim.appliedAny ? this.keys.abandon(claim) : this.keys.release(claim));
    } catch {
      this.logger.warn(`Key "${request.key}" of ${request.tenant} is left to its lease`);
    }
  }
}

// Nest's `rawBody` (`NestFactory.create(..., { rawBody: true })`, or a body parser that keeps it).
function rawBodyOf(request: Request & { rawBody?: unknown }): RawBody | undefined {
  return Buffer.isBuffer(request.rawBody)
    ? { bytes: request.rawBody, contentType: request.headers['content-type'] }
    : undefined;
}

function toStoredResponse(response: Response, value: unknown): StoredResponse {
  const body = value === undefined || value === null ? '' : JSON.stringify(value);
  const headers: Record<string, string> = {};
  if (body !== '') {
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  const location = response.getHeader('Location');
  if (typeof location === 'string') {
    headers.Location = location;
  }

  return { status: response.statusCode, headers, body };
}

// Nest sends the string as it is, so the first answer and every replay are the same bytes.
function send(response: Response, stored: StoredResponse, replayed: boolean): string | undefined {
  for (const [name, value] of Object.entries(stored.headers)) {
    response.setHeader(name, value);
  }
  if (replayed) {
    response.setHeader(REPLAYED_HEADER, 'true');
  }
  response.status(stored.status);

  return stored.body === '' ? undefined : stored.body;
}
