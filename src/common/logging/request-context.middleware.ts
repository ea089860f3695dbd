import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

import { RequestContext } from './request-context.js';
import type { RequestFields } from './request-context.js';

export const REQUEST_ID_HEADER = 'X-Request-Id';

// Wide enough for UUIDs, trace ids and load balancers' ids; nothing that could break a log line.
const WELL_FORMED_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Gives each request an id, the well-formed `X-Request-Id` it came with or a new UUID, and
 * sends it back as `X-Request-Id`. The request is served inside its {@link RequestContext},
 * and one access line is logged when its response ends.
 *
 * @example
 * app.use(new RequestContextMiddleware().use);
 */
export class RequestContextMiddleware {
  private readonly logger = new Logger(RequestContextMiddleware.name);

  readonly use = (request: Request, response: Response, next: NextFunction): void => {
    const given = request.headers['x-request-id'];
    const fields: RequestFields = {
      requestId: typeof given === 'string' && WELL_FORMED_ID.test(given) ? given : randomUUID(),
    };
    const started = process.hrtime.bigint();
    response.setHeader(REQUEST_ID_HEADER, fields.requestId);
    response.once('close', () =>
      RequestContext.run(fields, () => this.logAccess(request, response, started)),
    );

    RequestContext.run(fields, next);
  };

  // The path goes without its query string, which may hold filters a club considers its own.
  private logAccess(request: Request, response: Response, started: bigint): void {
    const path = request.originalUrl.split('?')[0];
    const durationMs = Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
    const line = { method: request.method, path, status: response.statusCode, durationMs };
    if (response.writableFinished) {
      this.logger.log(
        `${request.method} ${path} answered ${line.status} in ${durationMs} ms`,
        line,
      );
    } else {
      this.logger.warn(
        `${request.method} ${path}: the client closed the connection after ${durationMs} ms, before the answer`,
        { ...line, status: null },
      );
    }
  }
}
