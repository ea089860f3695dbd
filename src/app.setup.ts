import { NotFoundException } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';

import { ApiKeyGuard } from './clubs/http/api-key.guard.js';
import { allowedMethodsOf } from './common/http/allowed-methods.js';
import { RequestBodyGuard, deferredJsonBody } from './common/http/deferred-json-body.js';
import { ProblemDetailsFilter } from './common/http/problem-details.filter.js';
import type { AllowedMethods } from './common/http/problem-details.filter.js';
import { InputValidationPipe } from './common/validation/validate-input.js';
import type { AppConfig } from './config/app-config.js';
import { HEALTH_PATHS } from './health/health.controller.js';

/**
 * Everything `main.ts` sets up around the modules, shared with the end-to-end tests so that
 * they run the application exactly as it is served. Initialises the application.
 */
export async function configureApp(app: INestApplication, config: AppConfig): Promise<void> {
  const express = (app as NestExpressApplication).getHttpAdapter().getInstance();
  express.disable('x-powered-by');

  app.setGlobalPrefix('api/v1', { exclude: HEALTH_PATHS });
  app.use(deferredJsonBody(config.bodyLimitBytes));
  app.useGlobalPipes(new InputValidationPipe());
  // Authentication first, then an unreadable body: the contract's check order.
  app.useGlobalGuards(app.get(ApiKeyGuard), new RequestBodyGuard());

  let allowedMethods: AllowedMethods = () => [];
  const problems = new ProblemDetailsFilter(config.problemTypeBase, (p) => allowedMethods(p));
  app.useGlobalFilters(problems);
  await app.init();
  allowedMethods = allowedMethodsOf(express);
  // Nest answers unknown paths only under the global prefix; any other path would get
  // Express's HTML page instead of a problem document.
  express.use((request: Request, response: Response) =>
    problems.answer(new NotFoundException(), request, response),
  );
}
