import type { AuthUser } from '@idm/core';
import { highestRole, ROLES } from '@idm/contracts';
import type { Role } from '@idm/contracts';

/** "this needs the operator role or higher; you are viewer" */
export function forbiddenMessage(user: AuthUser, required: Role[]): string {
  const minimum = ROLES[Math.max(...required.map((r) => ROLES.indexOf(r)))];
  return `this needs the ${minimum} role${minimum === 'admin' ? '' : ' or higher'}; you are ${highestRole(user.roles)}`;
}
