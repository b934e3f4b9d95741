import type { Logger } from 'pino';
import { newId } from '../../platform/clock.ts';
import type { Config } from '../../platform/config.ts';
import type { Executor } from '../../platform/db/database.ts';
import type { Deps } from '../../platform/deps.ts';
import type { AuthContext } from '../../platform/http/auth.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { emailOf } from '../accounts/accounts.service.ts';
import { emailNoticeJob } from './notify.jobs-spec.ts';
import * as q from './notify.queries.ts';

export interface Message {
  channel: 'email' | 'sms';
  to: string;
  subject: string;
  text: string;
}

/** Delivers email and SMS. Which one runs is configuration: SMTP, or the log in development. */
export interface Sender {
  send(message: Message): Promise<void>;
}

/** An SMS gateway (Aliyun, Tencent Cloud …) plugs in here; development writes to the log. */
export interface SmsProvider {
  sendSms(phone: string, text: string): Promise<void>;
}

/** Development sender: the message goes to the log so a developer can read the code. */
export function logSender(log: Logger): Sender & SmsProvider {
  return {
    async send(m) {
      log.info({ notify: { channel: m.channel, to: m.to, subject: m.subject, text: m.text } }, 'notify (log sender)');
    },
    async sendSms(phone, text) {
      log.info({ notify: { channel: 'sms', to: phone, text } }, 'notify (log sender)');
    },
  };
}

export function smtpSender(smtpUrl: string, from: string, sms: SmsProvider): Sender {
  // loaded with the first email, not at start: nodemailer is ~2.5 MB of heap a process that sends none keeps
  let transport: Promise<import('nodemailer').Transporter> | null = null;
  return {
    async send(m) {
      if (m.channel === 'sms') return sms.sendSms(m.to, m.text);
      transport ??= import('nodemailer').then((n) => n.default.createTransport(smtpUrl));
      await (await transport).sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
  };
}

/** Keeps every message in memory: for tests, which read verification codes from it. */
export class MemorySender implements Sender {
  readonly sent: Message[] = [];
  async send(m: Message): Promise<void> {
    this.sent.push(m);
  }
  last(to: string): Message | undefined {
    return this.sent.filter((m) => m.to === to).at(-1);
  }
}

export function createSender(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, log: Logger): Sender {
  const dev = logSender(log);
  return config.smtpUrl ? smtpSender(config.smtpUrl, config.mailFrom, dev) : dev;
}

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

export async function emailNotice(deps: Deps, noticeId: string): Promise<void> {
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
