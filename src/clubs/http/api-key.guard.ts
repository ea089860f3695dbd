import { Injectable } from '@nestjs/common';
import type { CanActivate, ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

import { RequestContext } from '../../common/logging/request-context.js';
import { ClubsService } from '../clubs.service.js';
import { assertAccess } from '../domain/access-policy.js';
import { UnauthenticatedError } from '../domain/clubs.errors.js';
import type { Scope } from '../domain/scopes.js';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './auth.decorators.js';
import type { AuthenticatedRequest } from './auth.decorators.js';

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Authenticates the bearer key, then applies plan, demo and scope rules, in that order. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly clubs: ClubsService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      return true;
    }

    const request = context.switchToHttp().getRequest<Request>();
    const match = /^Bearer ([^\s]+)$/.exec(request.headers.authorization ?? '');
    if (!match) {
      throw new UnauthenticatedError('Stuur een API-sleutel als Authorization: Bearer <sleutel>.');
    }
    const now = new Date();
    const auth = await this.clubs.authenticate(match[1], now);
    if (!auth) {
      throw new UnauthenticatedError('Deze API-sleutel is onbekend, ingetrokken of verlopen.');
    }
    RequestContext.setClubId(auth.clubId);

    assertAccess(auth.club, auth.scopes, {
      isWrite: !READ_METHODS.has(request.method),
      requiredScope: this.reflector.getAllAndOverride<Scope | undefined>(REQUIRED_SCOPE, targets),
      now,
    });
    (request as AuthenticatedRequest).auth = auth;

    return true;
  }
}
