import { SetMetadata, applyDecorators, createParamDecorator } from '@nestjs/common';
import type { ExecutionContext } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { Request } from 'express';

import type { AuthenticatedKey } from '../clubs.service.js';
import type { Scope } from '../domain/scopes.js';

export const PUBLIC_ROUTE = 'clubTool:public';
export const REQUIRED_SCOPE = 'clubTool:requiredScope';
/** The name of the API key's security scheme in the API reference. */
export const API_KEY_SCHEME = 'api_key';

export type AuthenticatedRequest = Request & { auth: AuthenticatedKey };

// In the API reference an empty requirement lifts the document's API key requirement, and a
// scoped one names the scope the route needs.

/** The route answers without an API key (health, the API reference). */
export const Public = () => applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiSecurity({}));

/** The scope a key needs for this route; a `:write` scope also grants its `:read`. */
export const RequireScope = (scope: Scope) =>
  applyDecorators(SetMetadata(REQUIRED_SCOPE, scope), ApiSecurity(API_KEY_SCHEME, [scope]));

/** The authenticated key and its club, as the API key guard left them on the request. */
export const CurrentKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedKey =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().auth,
);
