import type { UserDto } from '@kameng/contracts';
import { createContext, useContext } from 'react';

export type Me = UserDto;

export interface Session {
  /** undefined while the first `GET /api/v1/me` is in flight */
  me: Me | null | undefined;
  signedIn: (me: Me) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<Session>({
  me: undefined,
  signedIn: () => {},
  signOut: async () => {},
});

export function useSession(): Session {
  return useContext(SessionContext);
}

export function displayName(me: Me): string {
  return me.email ?? me.phone ?? me.id;
}
