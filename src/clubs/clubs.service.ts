import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

import {
  ConflictError,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors/domain-error.js';
import { TransactionRunner } from '../common/persistence/transaction-runner.js';
import { generateApiKey, hashApiKey, looksLikeApiKey, prefixOf } from './domain/api-key-secret.js';
import { SCOPES, isScope } from './domain/scopes.js';
import type { Scope } from './domain/scopes.js';
import { ApiKeyEntity } from './persistence/api-key.entity.js';
import { ClubEntity } from './persistence/club.entity.js';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const PLAN = /^[a-z][a-z0-9_-]*$/;
const ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export interface ClubView {
  id: number;
  name: string;
  slug: string;
  plan: string;
  plan_expires_at: string | null;
  demo: boolean;
}

export interface ApiKeyView {
  id: number;
  label: string;
  prefix: string;
  scopes: Scope[];
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

/** A key that authenticated: what the rest of a request needs to know of it and its club. */
export interface AuthenticatedKey {
  clubId: number;
  prefix: string;
  label: string;
  scopes: Scope[];
  club: ClubEntity;
}

export interface ClubChanges {
  plan?: string;
  planExpiresAt?: Date | null;
  demo?: boolean;
}

function parseScopes(scopes: string): Scope[] {
  return scopes.split(' ').filter(isScope);
}

function toClubView(club: ClubEntity): ClubView {
  return {
    id: club.id,
    name: club.name,
    slug: club.slug,
    plan: club.plan,
    plan_expires_at: club.planExpiresAt?.toISOString() ?? null,
    demo: club.demo,
  };
}

function toKeyView(key: ApiKeyEntity): ApiKeyView {
  return {
    id: key.id,
    label: key.label,
    prefix: key.prefix,
    scopes: parseScopes(key.scopes),
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
  };
}

/** Clubs and their API keys: administered from the command line, checked on every request. */
@Injectable()
export class ClubsService {
  constructor(private readonly db: TransactionRunner) {}

  async createClub(input: { name: string; slug: string; plan?: string }): Promise<ClubView> {
    const name = input.name.trim();
    const plan = input.plan ?? 'pro';
    const errors = [
      ...(name.length < 1 || name.length > 200
        ? [{ field: 'name', message: 'Moet 1 tot 200 tekens zijn.' }]
        : []),
      ...(SLUG.test(input.slug)
        ? []
        : [{ field: 'slug', message: 'Alleen a-z, 0-9 en streepjes.' }]),
      ...(PLAN.test(plan) ? [] : [{ field: 'plan', message: 'Geen geldig abonnement.' }]),
    ];
    if (errors.length > 0) {
      throw new ValidationFailedError(errors);
    }

    return this.db.transaction(async (manager) => {
      if (await manager.existsBy(ClubEntity, { slug: input.slug })) {
        throw new ConflictError(`Er is al een club met slug ${input.slug}.`);
      }
      const now = new Date();
      const club = await manager.save(ClubEntity, {
        name,
        slug: input.slug,
        plan,
        planExpiresAt: null,
        demo: false,
        createdAt: now,
        updatedAt: now,
      });

      return toClubView(club);
    });
  }

  async updateClub(slug: string, changes: ClubChanges): Promise<ClubView> {
    if (changes.plan !== undefined && !PLAN.test(changes.plan)) {
      throw new ValidationFailedError([{ field: 'plan', message: 'Geen geldig abonnement.' }]);
    }

    return this.db.transaction(async (manager) => {
      const club = await this.clubBySlug(manager, slug);
      Object.assign(club, changes, { updatedAt: new Date() });
      await manager.save(ClubEntity, club);

      return toClubView(club);
    });
  }

  async listClubs(): Promise<ClubView[]> {
    const clubs = await this.db.read((manager) =>
      manager.find(ClubEntity, { order: { id: 'ASC' } }),
    );

    return clubs.map(toClubView);
  }

  async clubIdOf(slug: string): Promise<number> {
    return this.db.read(async (manager) => (await this.clubBySlug(manager, slug)).id);
  }

  async createKey(input: { clubSlug: string; label: string; scopes: string[] }) {
    const scopes = SCOPES.filter((scope) => input.scopes.includes(scope));
    const unknown = input.scopes.filter((scope) => !isScope(scope));
    if (unknown.length > 0 || scopes.length === 0) {
      throw new ValidationFailedError([
        {
          field: 'scopes',
          message: `Kies uit ${SCOPES.join(', ')}; onbekend: ${unknown.join(', ') || '-'}.`,
        },
      ]);
    }
    if (input.label.trim() === '') {
      throw new ValidationFailedError([{ field: 'label', message: 'Mag niet leeg zijn.' }]);
    }

    return this.db.transaction(async (manager) => {
      const club = await this.clubBySlug(manager, input.clubSlug);

      return this.issueKey(manager, club.id, input.label.trim(), scopes);
    });
  }

  async listKeys(clubSlug: string): Promise<ApiKeyView[]> {
    return this.db.read(async (manager) => {
      const club = await this.clubBySlug(manager, clubSlug);
      const keys = await manager.find(ApiKeyEntity, {
        where: { clubId: club.id },
        order: { id: 'ASC' },
      });

      return keys.map(toKeyView);
    });
  }

  /** A new key with the same label and scopes; the old one keeps working for 24 hours. */
  async rotateKey(prefix: string) {
    return this.db.transaction(async (manager) => {
      const old = await this.liveKeyByPrefix(manager, prefix);
      const now = new Date();
      const graceEnd = new Date(now.getTime() + ROTATION_GRACE_MS);
      if (old.expiresAt === null || old.expiresAt > graceEnd) {
        old.expiresAt = graceEnd;
      }
      await manager.save(ApiKeyEntity, old);
      const issued = await this.issueKey(manager, old.clubId, old.label, parseScopes(old.scopes));

      return { ...issued, replaces: toKeyView(old) };
    });
  }

  async revokeKey(prefix: string): Promise<ApiKeyView> {
    return this.db.transaction(async (manager) => {
      const key = await this.liveKeyByPrefix(manager, prefix);
      key.revokedAt = new Date();
      await manager.save(ApiKeyEntity, key);

      return toKeyView(key);
    });
  }

  /** The key and its club, or null for a key that is unknown, revoked or past its grace. */
  async authenticate(secret: string, now: Date): Promise<AuthenticatedKey | null> {
    if (!looksLikeApiKey(secret)) {
      return null;
    }
    const found = await this.db.read(async (manager) => {
      const key = await manager.findOneBy(ApiKeyEntity, { keyHash: hashApiKey(secret) });
      const club = key ? await manager.findOneBy(ClubEntity, { id: key.clubId }) : null;

      return key && club ? { key, club } : null;
    });
    if (!found || found.key.revokedAt !== null) {
      return null;
    }
    if (found.key.expiresAt !== null && found.key.expiresAt <= now) {
      return null;
    }

    return {
      clubId: found.club.id,
      prefix: found.key.prefix,
      label: found.key.label,
      scopes: parseScopes(found.key.scopes),
      club: found.club,
    };
  }

  async hasAnyClub(): Promise<boolean> {
    return this.db.read(async (manager) => (await manager.count(ClubEntity)) > 0);
  }

  private async clubBySlug(manager: EntityManager, slug: string): Promise<ClubEntity> {
    const club = await manager.findOneBy(ClubEntity, { slug });
    if (!club) {
      throw new NotFoundError(`Club ${slug} bestaat niet.`);
    }

    return club;
  }

  private async liveKeyByPrefix(manager: EntityManager, prefix: string): Promise<ApiKeyEntity> {
    const key = await manager.findOneBy(ApiKeyEntity, { prefix });
    if (!key || key.revokedAt !== null || (key.expiresAt !== null && key.expiresAt <= new Date())) {
      throw new NotFoundError(`Geen geldige sleutel met prefix ${prefix}.`);
    }

    return key;
  }

  // The prefix is unique by index; a collision (1 in 62^4 per pair) draws again.
  private async issueKey(manager: EntityManager, clubId: number, label: string, scopes: Scope[]) {
    for (;;) {
      const key = generateApiKey();
      const prefix = prefixOf(key);
      if (await manager.existsBy(ApiKeyEntity, { prefix })) {
        continue;
      }
      const saved = await manager.save(ApiKeyEntity, {
        clubId,
        label,
        prefix,
        keyHash: hashApiKey(key),
        scopes: scopes.join(' '),
        createdAt: new Date(),
        expiresAt: null,
        revokedAt: null,
      });

      return { id: saved.id, key, prefix, label, scopes };
    }
  }
}
