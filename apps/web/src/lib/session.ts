import type { UserDto } from '@kameng/contracts';
import { App } from 'antd';
import { createContext, useContext, useState } from 'react';
import { errorText, useI18n } from '../i18n/index.ts';

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

/** How a signed-in user is named to himself; an account made by WeChat/QQ sign-in has neither email nor phone. */
export function displayName(me: Me, noContact: string): string {
  return me.email ?? me.phone ?? noContact;
}

/** Signing out from a button: busy while it runs, and a failure is said in a message (the session stays). */
export function useLogout(): { logout: () => Promise<void>; leaving: boolean } {
  const { t } = useI18n();
  const { signOut } = useSession();
  const { message } = App.useApp();
  const [leaving, setLeaving] = useState(false);
  const logout = async () => {
    setLeaving(true);
    try {
      await signOut();
    } catch (err) {
      message.error(errorText(t, err));
    } finally {
      setLeaving(false);
    }
  };
  return { logout, leaving };
}
