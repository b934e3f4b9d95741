import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createSender, MemorySender, type Message } from './sender.ts';

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

const sms: Message = { channel: 'sms', to: '13800138000', subject: 'code', text: '您的验证码是 123456' };
const mail: Message = { channel: 'email', to: 'a@example.cn', subject: 'code', text: 'Your Kameng code is 654321' };

describe('createSender', () => {
  it('outside sandbox mode reaches only configured channels and never logs a message', async () => {
    const c = capture();
    const sender = createSender({ smtpUrl: undefined, mailFrom: 'x@example.cn', sandbox: false }, c.log);
    expect(sender.reaches('sms')).toBe(false);
    expect(sender.reaches('email')).toBe(false);
    await sender.send(sms);
    await sender.send(mail);
    expect(c.text()).toContain('"unconfigured":["email","sms"]');
    expect(c.text()).not.toMatch(/123456|654321|13800138000|a@example\.cn/);
  });

  it('sends SMS through a provider when one is plugged in', async () => {
    const c = capture();
    const got: [string, string][] = [];
    const sender = createSender({ smtpUrl: undefined, mailFrom: 'x@example.cn', sandbox: false }, c.log, {
      async sendSms(phone, text) {
        got.push([phone, text]);
      },
    });
    expect(sender.reaches('sms')).toBe(true);
    expect(sender.reaches('email')).toBe(false);
    await sender.send(sms);
    expect(got).toEqual([[sms.to, sms.text]]);
    expect(c.text()).toContain('"unconfigured":["email"]');
    expect(c.text()).not.toContain('123456');
  });

  it('with SMTP_URL reaches email, and start-up names only SMS as unconfigured', () => {
    const c = capture();
    const sender = createSender({ smtpUrl: 'smtp://localhost:2525', mailFrom: 'x@example.cn', sandbox: false }, c.log);
    expect(sender.reaches('email')).toBe(true);
    expect(c.text()).toContain('"unconfigured":["sms"]');
  });

  it('in sandbox mode writes messages of unconfigured channels to the log, marked', async () => {
    const c = capture();
    const sender = createSender({ smtpUrl: undefined, mailFrom: 'x@example.cn', sandbox: true }, c.log);
    expect(sender.reaches('sms')).toBe(true);
    expect(sender.reaches('email')).toBe(true);
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
    expect(s.reaches('sms')).toBe(false);
    expect(s.sent).toEqual([mail]);
  });
});
