/** The groups of t_group, by the names Grottocenter gives them. */
export const GROUPS = Object.freeze({
  Administrator: 1,
  Moderator: 2,
  User: 3,
  Visitor: 4,
  Leader: 5,
} as const);

export type GroupName = keyof typeof GROUPS;

export interface GroupRef {
  id: number;
  name: string;
}

/** What a token says about its bearer (SPEC 4). */
export interface TokenPayload {
  id: number;
  nickname: string;
  groups: GroupRef[];
}

export function isGroupName(value: string): value is GroupName {
  return Object.hasOwn(GROUPS, value);
}

export function isInGroup(user: Pick<TokenPayload, 'groups'>, group: GroupName): boolean {
  return user.groups.some((g) => g.id === GROUPS[group]);
}

export function isAdministrator(user: Pick<TokenPayload, 'groups'>): boolean {
  return isInGroup(user, 'Administrator');
}

/** Moderators and administrators may see every user's batches. */
export function isModeratorOrAdministrator(user: Pick<TokenPayload, 'groups'>): boolean {
  return isInGroup(user, 'Moderator') || isInGroup(user, 'Administrator');
}
