import { highestRole, satisfiesRoles } from './auth';

describe('satisfiesRoles (admin > supervisor > operator > viewer)', () => {
  it('admits the required role and every role above it', () => {
    expect(satisfiesRoles(['operator'], ['operator'])).toBe(true);
    expect(satisfiesRoles(['supervisor'], ['operator'])).toBe(true);
    expect(satisfiesRoles(['admin'], ['operator'])).toBe(true);
  });

  it('refuses roles below the minimum', () => {
    expect(satisfiesRoles(['viewer'], ['operator'])).toBe(false);
    expect(satisfiesRoles(['operator'], ['supervisor'])).toBe(false);
    expect(satisfiesRoles(['supervisor'], ['admin'])).toBe(false);
  });

  it('takes the least privileged listed role as the minimum', () => {
    expect(satisfiesRoles(['operator'], ['admin', 'operator'])).toBe(true);
    expect(satisfiesRoles(['viewer'], ['admin', 'operator'])).toBe(false);
  });

  it('uses the best of several user roles', () => {
    expect(satisfiesRoles(['viewer', 'admin'], ['admin'])).toBe(true);
  });

  it('admits any user when nothing is required, and nobody without roles otherwise', () => {
    expect(satisfiesRoles(['viewer'], [])).toBe(true);
    expect(satisfiesRoles([], ['viewer'])).toBe(false);
  });

  it('ignores unknown role names instead of granting anything', () => {
    expect(satisfiesRoles(['root' as never], ['viewer'])).toBe(false);
  });
});

describe('highestRole', () => {
  it('returns the most privileged role, viewer when none', () => {
    expect(highestRole(['viewer', 'supervisor'])).toBe('supervisor');
    expect(highestRole([])).toBe('viewer');
  });
});
