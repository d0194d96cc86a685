import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { satisfiesRoles, type Role } from '@idm/contracts';
import { endSession } from './api';
import { getSession, onSessionChange, setSession, type Session, type SessionUser } from './session';

export interface AuthState {
  user: SessionUser | null;
  /** Whether the user may do what `role` (or any role above it) may do. */
  can(role: Role): boolean;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthState | null>(null);

/** The signed-in user, from the access token's claims (jwt-decode); follows refreshes and session ends. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setLocal] = useState<Session | null>(getSession());
  useEffect(() => onSessionChange(setLocal), []);
  const value = useMemo<AuthState>(() => {
    const user = session?.user ?? null;
    return {
      user,
      can: (role) => !!user && satisfiesRoles(user.roles, [role]),
      signOut: async () => {
        const s = getSession();
        // Every tab leaves first, so none tries to renew the session while the server ends it.
        setSession(null);
        if (s) await endSession(s).catch(() => undefined);
      },
    };
  }, [session]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
