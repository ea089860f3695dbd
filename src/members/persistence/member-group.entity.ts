import { Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'member_groups' })
@Index(['groupId'])
export class MemberGroupEntity {
  @PrimaryColumn({ name: 'member_id', type: 'integer' })
  memberId: number;

  @PrimaryColumn({ name: 'group_id', type: 'integer' })
  groupId: number;
}
