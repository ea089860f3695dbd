import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { Request, Response } from 'express';

import {
  BadRequestError,
  DomainError,
  type ErrorCode,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  STATUS_OF,
} from '../errors/domain-error.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Answers the methods a path has, or an empty list when no route has that path. */
export type AllowedMethods = (path: string) => string[];

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

function codeForStatus(status: number): ErrorCode {
  const match = (Object.keys(STATUS_OF) as ErrorCode[]).find((code) => STATUS_OF[code] === status);

  return match ?? (status >= 500 ? 'internal_error' : 'bad_request');
}

/**
 * Turns every failure into the problem document of RFC 9457. Errors the service raises on
 * purpose keep their code; a framework exception is translated by its status; anything else
 * is an `internal_error` whose details stay in the log.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  constructor(
    private readonly typeBase: string,
    private readonly allowedMethods: AllowedMethods,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(exception, http.getRequest<Request>(), http.getResponse<Response>());
  }

  /** Answers the failure as a problem document, also where no Nest context exists. */
  answer(exception: unknown, request: Request, response: Response): void {
    const error = this.toDomainError(exception, request);

    this.log(error, exception, request);
    if (response.headersSent) {
      response.end();

      return;
    }

    const problem: ProblemDocument = {
      type: `${this.typeBase}${error.code}`,
      title: STATUS_CODES[error.status] ?? 'Error',
      status: error.status,
      detail: error.detail,
      ...error.extensions,
    };
    for (const [name, value] of Object.entries(error.headers)) {
      response.setHeader(name, value);
    }
    response.status(error.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }

  private toDomainError(exception: unknown, request: Request): DomainError {
    if (exception instanceof DomainError) {
      return exception;
    }
    if (exception instanceof HttpException) {
      return this.fromHttpException(exception, request);
    }

    return new InternalError();
  }

  private fromHttpException(exception: HttpException, request: Request): DomainError {
    const status = exception.getStatus();
    if (status === 404) {
      const path = request.originalUrl.split('?')[0];
      const allowed = this.allowedMethods(path);
      // A route that answers this method and still says 404 (the API reference's own routes
      // do) means not found, not another method.
      if (allowed.length > 0 && !allowed.includes(request.method)) {
        return new MethodNotAllowedError(allowed);
      }

      return new NotFoundError(`Er is niets op ${path}.`);
    }
    if (status === 413) {
      return new PayloadTooLargeError('Het verzoek is te groot.');
    }
    if (status === 400) {
      return new BadRequestError('Het verzoek is onleesbaar.');
    }

    return new FrameworkError(codeForStatus(status), exception.message);
  }

  private log(error: DomainError, exception: unknown, request: Request): void {
    const path = request.originalUrl.split('?')[0];
    const line = `${request.method} ${path} answered ${error.status} ${error.code}`;
    if (error.logLevel === 'error' || error instanceof InternalError) {
      const stack = exception instanceof Error ? exception.stack : String(exception);
      this.logger.error(`${line}: ${exception instanceof Error ? exception.message : ''}`, stack);
    } else if (error.logLevel === 'warn') {
      this.logger.warn(`${line}: ${error.detail}`);
    } else {
      this.logger.debug(`${line}: ${error.detail}`);
    }
  }
}

class InternalError extends DomainError {
  readonly code = 'internal_error';
  override readonly logLevel = 'error';

  constructor() {
    super('Er ging iets mis aan onze kant. Probeer het opnieuw met dezelfde Idempotency-Key.');
  }
}

class FrameworkError extends DomainError {
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}
