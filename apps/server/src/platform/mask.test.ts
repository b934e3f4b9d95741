import { describe, expect, it } from 'vitest';
import { maskContact, maskEmail, maskIdNumber, maskName, maskPhone } from './mask.ts';

describe('masking personal fields', () => {
  it('keeps the first character of a name', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜娜')).toBe('欧***');
    expect(maskName('星辰网络科技有限公司')).not.toContain('网络');
  });
  it('shows an ID or credit code by its ends only', () => {
    expect(maskIdNumber('110101199001011234')).toBe('1101**********1234');
    expect(maskIdNumber('91110000MA01')).toBe('9111****MA01');
    expect(maskIdNumber('1234567')).toBe('1*****7');
  });
  it('masks phones and emails', () => {
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('123')).toBe('****');
    expect(maskEmail('abcdef@qq.com')).toBe('ab***@qq.com');
    expect(maskContact('QQ 88886666')).toBe('QQ******66');
    expect(maskContact('wx')).toBe('**');
  });
});
