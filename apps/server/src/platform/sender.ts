import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { defineHook, type Hooks } from './hooks.ts';

export type Channel = 'email' | 'sms';

/**
 * What an SMS says, as the gateways want it: a template the operator registered with the gateway (and
 * its sign name) plus the values of its placeholders. Gateways in mainland China send only approved
 * templates, never free text.
 */
export interface SmsContent {
  template: 'verification';
  params: { code: string };
}

export interface Message {
  channel: Channel;
  to: string;
  subject: string;
  text: string;
  /** SMS: the template and its values (the text is what the template renders to, for the sandbox log) */
  sms?: SmsContent;
}

/**
 * Delivers email and SMS. Which channels reach a person is configuration: SMTP for email, an SMS
 * gateway an operator configured for SMS, and in sandbox mode the log for whichever has none. A caller
 * whose message must arrive (a verification code) asks `reaches` first and refuses when it does not.
 */
export interface Sender {
  reaches(channel: Channel): Promise<boolean>;
  /** a message on a channel that reaches nobody is dropped, and its text never logged */
  send(message: Message): Promise<void>;
  /** logs (at start-up) which channels reach nobody, or only the sandbox log */
  reportChannels(): Promise<void>;
}

/** An SMS gateway (Aliyun, Tencent Cloud …). */
export interface SmsProvider {
  sendSms(phone: string, content: SmsContent): Promise<void>;
}

/**
 * The SMS gateway an operator configured, or null: provided by the notify module, which stores the
 * gateways' credentials (the platform imports no module). Asked at every send, so a change made in the
 * console reaches every process at once.
 */
export const smsGatewayHook = defineHook<() => Promise<SmsProvider | null>>('sender.smsGateway', { required: false });

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
  async reaches(channel: Channel): Promise<boolean> {
    return this.#channels.has(channel);
  }
  async send(m: Message): Promise<void> {
    if (this.#channels.has(m.channel)) this.sent.push(m);
  }
  async reportChannels(): Promise<void> {}
  last(to: string): Message | undefined {
    return this.sent.filter((m) => m.to === to).at(-1);
  }
}

/**
 * The sender the configuration gives. Outside sandbox mode a channel without its provider reaches
 * nobody (codes on it are refused) and no message text is ever logged; start-up says which channels
 * those are. SMS goes through the gateway `smsGatewayHook` answers at the time of each send.
 */
export function createSender(
  config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'sandbox'>,
  log: Logger,
  hooks: Hooks,
): Sender {
  const email = config.smtpUrl ? smtpSend(config.smtpUrl, config.mailFrom) : null;
  const gateway = async (): Promise<SmsProvider | null> =>
    hooks.has(smsGatewayHook) ? hooks.get(smsGatewayHook)() : null;
  const route = async (channel: Channel): Promise<((m: Message) => Promise<void>) | null> => {
    if (channel === 'email') {
      if (email) return email;
    } else {
      const sms = await gateway();
      if (sms) {
        return (m) => {
          // gateways send registered templates only: a message without one is a caller's bug
          if (!m.sms) throw new Error('an SMS needs its template (Message.sms)');
          return sms.sendSms(m.to, m.sms);
        };
      }
    }
    return config.sandbox ? async (m) => sandboxLogSend(log, m) : null;
  };
  return {
    reaches: async (channel) => (await route(channel)) !== null,
    async send(m) {
      const r = await route(m.channel);
      if (!r) {
        log.debug({ channel: m.channel }, 'message dropped: channel not configured');
        return;
      }
      await r(m);
    },
    async reportChannels() {
      const unconfigured: Channel[] = [];
      if (!email) unconfigured.push('email');
      if (!(await gateway())) unconfigured.push('sms');
      if (unconfigured.length === 0) return;
      if (config.sandbox) {
        log.warn(
          { sandbox: true, logged: unconfigured },
          'KAMENG_SANDBOX=on: messages on these channels, verification codes included, are written to the log instead of sent',
        );
        return;
      }
      log.warn(
        { unconfigured },
        `not configured: ${unconfigured.map((c) => (c === 'email' ? 'email (SMTP_URL)' : 'SMS (no SMS gateway enabled in the console)')).join(', ')}; verification codes on them are refused`,
      );
    },
  };
}
