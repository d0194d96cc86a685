/** IDM roles, from most to least privileged. */
export const ROLES = ['admin', 'supervisor', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
