import { Injectable } from '@nestjs/common';

import { ClubsService } from './clubs/clubs.service.js';
import { ConflictError } from './common/errors/domain-error.js';
import { SCOPES } from './clubs/domain/scopes.js';
import { GroupsService } from './groups/groups.service.js';

export interface SampleClub {
  slug: string;
  key: string;
  groupIds: number[];
}

/** The sample club of a first start on an empty embedded database. */
@Injectable()
export class SampleClubService {
  constructor(
    private readonly clubs: ClubsService,
    private readonly groups: GroupsService,
  ) {}

  /** Creates it when the database has no club yet; answers null when it has one. */
  async createIfEmpty(): Promise<SampleClub | null> {
    if (await this.clubs.hasAnyClub()) {
      return null;
    }
    const club = await this.clubs
      .createClub({ name: 'Voorbeeldclub', slug: 'voorbeeld' })
      .catch((error: unknown) => {
        // Another process sharing the database made it a moment earlier.
        if (error instanceof ConflictError) {
          return null;
        }
        throw error;
      });
    if (!club) {
      return null;
    }
    const groupIds: number[] = [];
    for (const name of ['Jeugd', 'Senioren', 'Recreanten']) {
      groupIds.push((await this.groups.create(club.id, name)).id);
    }
    const { key } = await this.clubs.createKey({
      clubSlug: club.slug,
      label: 'Voorbeeldsleutel',
      scopes: [...SCOPES],
    });

    return { slug: club.slug, key, groupIds };
  }
}
