import { useCallback, useSyncExternalStore } from 'react';

/**
 * Sign-in, in one place. Today: a pasted JWT (`npm run token -- --sub me --roles seller`),
 * kept in this browser. A real identity provider (OIDC) replaces signIn/signOut here and
 * nothing else changes: every call reads the token through this hook.
 */
export interface Identity {
  token: string;
  sub: string;
  name: string;
  roles: string[];
  /** seconds since the epoch, if the token says */
  exp?: number;
}

const KEY = 'live.admin.token';
const listeners = new Set<() => void>();
let current: Identity | null = decode(localStorage.getItem(KEY));

export function decode(token: string | null): Identity | null {
  if (!token) return null;
  try {
    const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string; name?: string; roles?: string[]; exp?: number };
    if (!claims.sub) return null;
    if (claims.exp && claims.exp * 1000 < Date.now()) return null;
    return { token, sub: claims.sub, name: claims.name ?? claims.sub, roles: claims.roles ?? [], exp: claims.exp };
  } catch {
    return null;
  }
}

function set(identity: Identity | null) {
  current = identity;
  if (identity) localStorage.setItem(KEY, identity.token);
  else localStorage.removeItem(KEY);
  listeners.forEach((l) => l());
}

export function useAuth() {
  const identity = useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
  const signIn = useCallback((token: string): string | null => {
    const id = decode(token.trim());
    if (!id) return 'That is not a valid, unexpired token.';
    if (!id.roles.some((r) => ['admin', 'operator', 'seller', 'moderator'].includes(r))) return 'This token has no staff role (admin, operator, seller or moderator).';
    set(id);
    return null;
  }, []);
  const signOut = useCallback(() => set(null), []);
  return { identity, signIn, signOut, isStaff: Boolean(identity?.roles.some((r) => r === 'admin' || r === 'operator')) };
}
