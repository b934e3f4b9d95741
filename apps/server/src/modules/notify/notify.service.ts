import { newId } from '../../platform/clock.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { emailOf } from '../accounts/accounts.service.ts';
import { emailNoticeJob } from './notify.jobs-spec.ts';
import * as q from './notify.queries.ts';

export { activeSmsProvider, listSmsGatewayViews, updateSmsGateway } from './notify.sms-gateways.ts';

// ─── in-site notices ───

export interface NoticeInput {
  userId: string;
  kind: string;
  title: string;
  body: string;
  link?: string | null;
  /** also email it to the user's address, when one is on file (after the commit, by a job) */
  email?: boolean;
}

/** Records a notice in the caller's transaction, so it exists exactly when the change it reports does. */
export async function createNotice(tx: Executor, deps: Deps, n: NoticeInput): Promise<string> {
  const id = newId('ntc', deps.clock, deps.random);
  await q.insertNotice(tx, {
    id,
    user_id: n.userId,
    kind: n.kind,
    title: n.title,
    body: n.body,
    link: n.link ?? null,
    read_at: null,
    created_at: deps.clock.now(),
  });
  if (n.email) {
    await enqueue(tx, deps, emailNoticeJob, { noticeId: id });
  }
  return id;
}

/** The email copy of a notice; without a mail server the in-site notice is all there is. */
export async function emailNotice(deps: Deps, noticeId: string): Promise<void> {
  if (!(await deps.sender.reaches('email'))) return;
  const notice = await q.findNotice(deps.db, noticeId);
  if (!notice) return;
  const email = await emailOf(deps.db, notice.user_id);
  if (!email) return;
  await deps.sender.send({ channel: 'email', to: email, subject: notice.title, text: notice.body });
}

export interface NoticeView {
  id: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  read: boolean;
  createdAt: number;
}

export async function listNotices(
  deps: Deps,
  auth: AuthContext,
  f: { unread?: boolean | undefined; page: number; pageSize: number },
): Promise<{ items: NoticeView[]; total: number; unread: number }> {
  const r = await q.listNotices(deps.db, auth.userId, f.unread ?? false, f.pageSize, (f.page - 1) * f.pageSize);
  return {
    total: r.total,
    unread: r.unread,
    items: r.rows.map((n) => ({
      id: n.id,
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      read: n.read_at !== null,
      createdAt: n.created_at,
    })),
  };
}

export async function markNoticesRead(
  deps: Deps,
  auth: AuthContext,
  ids: string[] | undefined,
): Promise<{ updated: number }> {
  return { updated: await q.markRead(deps.db, auth.userId, ids, deps.clock.now()) };
}

/** Every notice of a user, for his data export. */
export async function noticesOf(deps: Deps, userId: string) {
  const rows = await q.allNotices(deps.db, userId);
  return rows.map((n) => ({
    kind: n.kind,
    title: n.title,
    body: n.body,
    read: n.read_at !== null,
    createdAt: n.created_at,
  }));
}

/** A closed account's notices go: they are messages to a person who is no longer there. */
export async function forgetNotices(tx: Executor, userId: string): Promise<void> {
  await q.deleteNotices(tx, userId);
}
