import { Injectable, Logger } from '@nestjs/common';
import type {
  BeforeApplicationShutdown,
  CallHandler,
  ExecutionContext,
  NestInterceptor,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Server } from 'node:http';
import { defer, finalize } from 'rxjs';
import type { Observable } from 'rxjs';

import { DomainError } from '../errors/domain-error.js';

export class ShuttingDownError extends DomainError {
  readonly code = 'service_unavailable';
  override readonly logLevel = 'warn';
  override readonly headers = { Connection: 'close', 'Retry-After': '1' };

  constructor() {
    super('De dienst stopt; stuur het verzoek opnieuw.');
  }
}

/**
 * Lets running requests finish when the application closes, before the database does. From
 * the start of the drain the server accepts no connection, a request that is still being
 * received answers 503, every response closes its connection and idle keep-alive connections
 * are closed. It counts both the open responses and the running handlers: a batch whose
 * client hung up still runs to its end.
 *
 * @example
 * app.use(drain.middleware((request, response, error) => problems.answer(error, request, response)));
 * app.useGlobalInterceptors(drain);
 */
@Injectable()
export class RequestDrain implements NestInterceptor, BeforeApplicationShutdown {
  private readonly logger = new Logger(RequestDrain.name);
  private readonly open = new Set<Response>();
  private handlers = 0;
  private draining = false;
  private settled: (() => void) | undefined;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** Requests and handlers that have not finished yet. */
  get running(): number {
    return Math.max(this.open.size, this.handlers);
  }

  middleware(
    refuse: (request: Request, response: Response, error: DomainError) => void,
  ): RequestHandler {
    return (request: Request, response: Response, next: NextFunction) => {
      if (this.draining) {
        refuse(request, response, new ShuttingDownError());

        return;
      }
      this.open.add(response);
      response.once('close', () => {
        this.open.delete(response);
        this.checkSettled();
      });
      next();
    };
  }

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return defer(() => {
      this.handlers++;

      return next.handle().pipe(
        finalize(() => {
          this.handlers--;
          this.checkSettled();
        }),
      );
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    // Node closes the idle keep-alive connections here, and the others as they answer.
    const closed = new Promise<void>((resolve) =>
      server ? server.close(() => resolve()) : resolve(),
    );
    for (const response of this.open) {
      if (!response.headersSent) {
        response.setHeader('Connection', 'close');
      }
    }
    const running = this.running;
    this.logger.log(
      `Draining: no new connections, ${running} running ${running === 1 ? 'request' : 'requests'} may finish`,
    );
    if (running > 0) {
      await new Promise<void>((resolve) => (this.settled = resolve));
      this.logger.log('Every running request finished');
    }
    server?.closeIdleConnections();
    await closed;
  }

  private checkSettled(): void {
    if (!this.draining) {
      return;
    }
    (this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined)?.closeIdleConnections();
    if (this.running === 0) {
      this.settled?.();
    }
  }
}
