import { CanActivate, Injectable } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

import { BadRequestError, DomainError, PayloadTooLargeError } from '../errors/domain-error.js';

const BODY_ERROR = Symbol('bodyError');

type RequestWithBodyError = Request & { [BODY_ERROR]?: DomainError };

/**
 * Parses JSON bodies but keeps a parse failure on the request instead of answering it, so
 * that authentication still answers first (the contract's check order: 401, then 403, then
 * everything else). {@link RequestBodyGuard} raises the kept failure after the key checks.
 */
export function deferredJsonBody(limitBytes: number): RequestHandler {
  // The bytes stay on the request as `rawBody`, as Nest's own option keeps them.
  const parse = express.json({
    limit: limitBytes,
    strict: true,
    verify: (request: Request & { rawBody?: Buffer }, _response, bytes) => {
      request.rawBody = bytes;
    },
  });

  return (request: Request, response: Response, next: NextFunction) => {
    parse(request, response, (error?: unknown) => {
      if (error !== undefined && error !== null) {
        (request as RequestWithBodyError)[BODY_ERROR] = toBodyError(error);
      }
      next();
    });
  };
}

function toBodyError(error: unknown): DomainError {
  const type = (error as { type?: string }).type;
  if (type === 'entity.too.large') {
    return new PayloadTooLargeError('De body van het verzoek is te groot.');
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') {
    return new BadRequestError('De body moet UTF-8 JSON zijn.');
  }

  return new BadRequestError('De body is geen geldige JSON.');
}

@Injectable()
export class RequestBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const error = context.switchToHttp().getRequest<RequestWithBodyError>()[BODY_ERROR];
    if (error) {
      throw error;
    }

    return true;
  }
}
