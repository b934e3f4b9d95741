import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Hooks } from './hooks.ts';
import { createSender, MemorySender, type Message, type SmsContent, smsGatewayHook } from './sender.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: pino({ level: 'trace' }, stream), text: () => lines.join('') };
}

const sms: Message = {
  channel: 'sms',
  to: '13800138000',
  subject: 'code',
  text: '您的验证码是 123456',
  sms: { template: 'verification', params: { code: '123456' } },
};
const mail: Message = { channel: 'email', to: 'a@example.cn', subject: 'code', text: 'Your Kameng code is 654321' };
const noSmtp = { smtpUrl: undefined, mailFrom: 'x@example.cn', sandbox: false };

describe('createSender', () => {
  it('outside sandbox mode reaches only configured channels and never logs a message', async () => {
    const c = capture();
    const sender = createSender(noSmtp, c.log, new Hooks());
    expect(await sender.reaches('sms')).toBe(false);
    expect(await sender.reaches('email')).toBe(false);
    await sender.send(sms);
    await sender.send(mail);
    await sender.reportChannels();
    expect(c.text()).toContain('"unconfigured":["email","sms"]');
    expect(c.text()).not.toMatch(/123456|654321|13800138000|a@example\.cn/);
  });

  it('sends SMS templates through the gateway the hook gives at the time of each send', async () => {
    const c = capture();
    const got: [string, SmsContent][] = [];
    const hooks = new Hooks();
    let configured = false;
    hooks.provide(smsGatewayHook, async () =>
      configured
        ? {
            async sendSms(phone: string, content: SmsContent) {
              got.push([phone, content]);
            },
          }
        : null,
    );
    const sender = createSender(noSmtp, c.log, hooks);
    expect(await sender.reaches('sms')).toBe(false);
    configured = true;
    expect(await sender.reaches('sms')).toBe(true);
    expect(await sender.reaches('email')).toBe(false);
    await sender.send(sms);
    expect(got).toEqual([[sms.to, sms.sms]]);
    await expect(sender.send({ ...sms, sms: undefined })).rejects.toThrow(/template/);
    await sender.reportChannels();
    expect(c.text()).toContain('"unconfigured":["email"]');
    expect(c.text()).not.toContain('123456');
  });

  it('with SMTP_URL reaches email, and start-up names only SMS as unconfigured', async () => {
    const c = capture();
    const sender = createSender({ ...noSmtp, smtpUrl: 'smtp://localhost:2525' }, c.log, new Hooks());
    expect(await sender.reaches('email')).toBe(true);
    await sender.reportChannels();
    expect(c.text()).toContain('"unconfigured":["sms"]');
  });

  it('in sandbox mode writes messages of unconfigured channels to the log, marked', async () => {
    const c = capture();
    const sender = createSender({ ...noSmtp, sandbox: true }, c.log, new Hooks());
    expect(await sender.reaches('sms')).toBe(true);
    expect(await sender.reaches('email')).toBe(true);
    await sender.send(sms);
    const line = c
      .text()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
      .find((l) => l.notify);
    expect(line).toMatchObject({ sandbox: true, notify: { channel: 'sms', to: sms.to, text: sms.text } });
    expect(line.msg).toMatch(/^SANDBOX/);
  });
});

describe('MemorySender', () => {
  it('keeps what it reaches and drops the rest', async () => {
    const s = new MemorySender(['email']);
    await s.send(sms);
    await s.send(mail);
    expect(await s.reaches('sms')).toBe(false);
    expect(s.sent).toEqual([mail]);
  });
});
