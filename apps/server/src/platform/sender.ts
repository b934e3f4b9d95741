import type { Logger } from 'pino';
import type { Config } from './config.ts';

export type Channel = 'email' | 'sms';

export interface Message {
  channel: Channel;
  to: string;
  subject: string;
  text: string;
}

/**
 * Delivers email and SMS. Which channels reach a person is configuration: SMTP for email, an SMS
 * provider for SMS, and in sandbox mode the log for whichever has none. A caller whose message must
 * arrive (a verification code) asks `reaches` first and refuses when it does not.
 */
export interface Sender {
  reaches(channel: Channel): boolean;
  /** a message on a channel that reaches nobody is dropped, and its text never logged */
  send(message: Message): Promise<void>;
}

/** An SMS gateway (Aliyun, Tencent Cloud …) plugs in here, through the notify module; none ships yet. */
export interface SmsProvider {
  sendSms(phone: string, text: string): Promise<void>;
}

/**
 * Sandbox only (`KAMENG_SANDBOX=on`): the message, verification codes included, goes to the log, so a
 * trial shop with no mail server or SMS provider can read its codes. Never built outside sandbox mode.
 */
function sandboxLogSend(log: Logger, m: Message): void {
  log.info(
    { sandbox: true, notify: { channel: m.channel, to: m.to, subject: m.subject, text: m.text } },
    'SANDBOX notify (log sender): not delivered, written to the log',
  );
}

function smtpSend(smtpUrl: string, from: string): (m: Message) => Promise<void> {
  // loaded with the first email, not at start: nodemailer is ~2.5 MB of heap a process that sends none keeps
  let transport: Promise<import('nodemailer').Transporter> | null = null;
  return async (m) => {
    transport ??= import('nodemailer').then((n) => n.default.createTransport(smtpUrl));
    await (await transport).sendMail({ from, to: m.to, subject: m.subject, text: m.text });
  };
}

/** Keeps every message in memory: for tests, which read verification codes from it. */
export class MemorySender implements Sender {
  readonly sent: Message[] = [];
  readonly #channels: ReadonlySet<Channel>;
  constructor(channels: readonly Channel[] = ['email', 'sms']) {
    this.#channels = new Set(channels);
  }
  reaches(channel: Channel): boolean {
    return this.#channels.has(channel);
  }
  async send(m: Message): Promise<void> {
    if (this.reaches(m.channel)) this.sent.push(m);
  }
  last(to: string): Message | undefined {
    return this.sent.filter((m) => m.to === to).at(-1);
  }
}

/**
 * The sender the configuration gives. Outside sandbox mode a channel without its provider reaches
 * nobody (codes on it are refused) and no message text is ever logged; start-up says which channels
 * those are.
 */
export function createSender(
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'sandbox'>,
  log: Logger,
  sms?: SmsProvider,
): Sender {
  const routes: Partial<Record<Channel, (m: Message) => Promise<void>>> = {};
  if (config.smtpUrl) routes.email = smtpSend(config.smtpUrl, config.mailFrom);
  if (sms) routes.sms = (m) => sms.sendSms(m.to, m.text);
  const unconfigured = (['email', 'sms'] as const).filter((c) => !routes[c]);
  if (config.sandbox) {
    for (const c of unconfigured) routes[c] = async (m) => sandboxLogSend(log, m);
    if (unconfigured.length > 0) {
      log.warn(
        { sandbox: true, logged: unconfigured },
        'KAMENG_SANDBOX=on: messages on these channels, verification codes included, are written to the log instead of sent',
      );
    }
  } else if (unconfigured.length > 0) {
    log.warn(
      { unconfigured },
      `not configured: ${unconfigured.map((c) => (c === 'email' ? 'email (SMTP_URL)' : 'SMS (no SMS provider)')).join(', ')}; verification codes on them are refused`,
    );
  }
  return {
    reaches: (channel) => routes[channel] !== undefined,
    async send(m) {
      const route = routes[m.channel];
      if (!route) {
        log.debug({ channel: m.channel }, 'message dropped: channel not configured');
        return;
      }
      await route(m);
    },
  };
}
