import { SetMetadata, createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

import type { AuthenticatedKey } from '../clubs.service.js';
import type { Scope } from '../domain/scopes.js';

export const PUBLIC_ROUTE = 'clubTool:public';
export const REQUIRED_SCOPE = 'clubTool:requiredScope';

export type AuthenticatedRequest = Request & { auth: AuthenticatedKey };

/** The route answers without an API key (health, the API reference). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The scope a key needs for this route; a `:write` scope also grants its `:read`. */
export const RequireScope = (scope: Scope) => SetMetadata(REQUIRED_SCOPE, scope);

/** The authenticated key and its club, as the API key guard left them on the request. */
export const CurrentKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedKey =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().auth,
);
