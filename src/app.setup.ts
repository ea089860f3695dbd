import { NotFoundException } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';

import { ApiKeyGuard } from './clubs/http/api-key.guard.js';
import { allowedMethodsOf } from './common/http/allowed-methods.js';
import { RequestBodyGuard, deferredJsonBody } from './common/http/deferred-json-body.js';
import { ProblemDetailsFilter } from './common/http/problem-details.filter.js';
import { RequestDrain } from './common/http/request-drain.js';
import { RequestContextMiddleware } from './common/logging/request-context.middleware.js';
import type { AllowedMethods } from './common/http/problem-details.filter.js';
import { InputValidationPipe } from './common/validation/validate-input.js';
import type { AppConfig } from './config/app-config.js';
import { HEALTH_PATHS } from './health/health.controller.js';
import { setupOpenApi } from './openapi/openapi.js';
import { RateLimitGuard } from './rate-limit/rate-limit.guard.js';

/**
 * Everything `main.ts` sets up around the modules, shared with the end-to-end tests so that
 * they run the application exactly as it is served. Initialises the application.
 */
export async function configureApp(app: INestApplication, config: AppConfig): Promise<void> {
  const express = (app as NestExpressApplication).getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  app.use(new RequestContextMiddleware().use);

  app.setGlobalPrefix('api/v1', { exclude: HEALTH_PATHS });
  app.use(deferredJsonBody(config.bodyLimitBytes));
  app.useGlobalPipes(new InputValidationPipe());
  // Authentication and access first, then the rate limit, then an unreadable body: the
  // contract's check order.
  app.useGlobalGuards(app.get(ApiKeyGuard), app.get(RateLimitGuard), new RequestBodyGuard());

  let allowedMethods: AllowedMethods = () => [];
  const problems = new ProblemDetailsFilter(config.problemTypeBase, (p) => allowedMethods(p));
  // While the service stops, a request still arriving answers 503 instead of starting.
  const drain = app.get(RequestDrain);
  app.use(
    drain.middleware((request, response, error) => problems.answer(error, request, response)),
  );
  app.useGlobalInterceptors(drain);
  app.useGlobalFilters(problems);
  setupOpenApi(app);
  await app.init();
  allowedMethods = allowedMethodsOf(express);
  // Nest answers unknown paths only under the global prefix; any other path would get
  // Express's HTML page instead of a problem document.
  express.use((request: Request, response: Response) =>
    problems.answer(new NotFoundException(), request, response),
  );
}
