import type { Logger } from 'pino';
import type { Config } from './config.ts';

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
