import { describe, expect, it } from 'vitest';
import { findBannedWords, sanitizeDescription, textOf } from './catalog.content.ts';
import { detectImage } from './catalog.covers.ts';
import { unitPriceCents } from './catalog.service.ts';

describe('unitPriceCents', () => {
  const p = {
    priceCents: 1000,
    priceTiers: [
      { minQuantity: 10, priceCents: 950 },
      { minQuantity: 50, priceCents: 900 },
      { minQuantity: 100, priceCents: 850 },
    ],
  };

  it.each([
    [1, 1000],
    [9, 1000],
    [10, 950],
    [49, 950],
    [50, 900],
    [99, 900],
    [100, 850],
    [10_000, 850],
  ])('quantity %i costs %i per unit', (quantity, expected) => {
    expect(unitPriceCents(p, quantity)).toBe(expected);
  });

  it('is the base price without tiers', () => {
    expect(unitPriceCents({ priceCents: 777, priceTiers: [] }, 1_000)).toBe(777);
  });

  it('does not depend on the order of the tiers', () => {
    const shuffled = { ...p, priceTiers: [p.priceTiers[2]!, p.priceTiers[0]!, p.priceTiers[1]!] };
    for (const q of [1, 10, 60, 100, 500]) expect(unitPriceCents(shuffled, q)).toBe(unitPriceCents(p, q));
  });

  it('never charges more for a larger quantity when tiers only go down', () => {
    let previous = Number.POSITIVE_INFINITY;
    for (let q = 1; q <= 200; q++) {
      const unit = unitPriceCents(p, q);
      expect(unit).toBeLessThanOrEqual(previous);
      expect(Number.isInteger(unit)).toBe(true);
      previous = unit;
    }
  });
});

describe('sanitizeDescription', () => {
  it('keeps the allow-listed markup', () => {
    const html = '<h2>说明</h2><p>自动<strong>发货</strong>，<em>秒到</em></p><ul><li>一</li></ul>';
    expect(sanitizeDescription(html)).toBe(html);
  });

  it.each([
    ['<script>alert(1)</script><p>x</p>', '<p>x</p>'],
    ['<p onclick="alert(1)" onmouseover=alert(2)>x</p>', '<p>x</p>'],
    ['<a href="javascript:alert(1)">x</a>', '<a rel="nofollow noopener noreferrer" target="_blank">x</a>'],
    ['<a href="  JAVASCRIPT:alert(1)">x</a>', '<a rel="nofollow noopener noreferrer" target="_blank">x</a>'],
    [
      '<a href="data:text/html,<script>alert(1)</script>">x</a>',
      '<a rel="nofollow noopener noreferrer" target="_blank">x</a>',
    ],
    ['<img src="x" onerror="alert(1)">', ''],
    ['<img src="https://tracker.example/p.gif">', ''],
    ['<iframe src="https://evil.example"></iframe>', ''],
    ['<style>body{display:none}</style><p style="position:fixed">x</p>', '<p>x</p>'],
    ['<svg><script>alert(1)</script></svg>', ''],
    ['<p>a\u0000b</p>', '<p>ab</p>'],
    ['<form action="https://evil.example"><input name="pw"></form>', ''],
  ])('cleans %s', (dirty, clean) => {
    expect(sanitizeDescription(dirty)).toBe(clean);
  });

  it('keeps our own uploaded images and safe links', () => {
    const img = `<img src="/api/v1/uploads/${'a'.repeat(32)}.png" alt="封面" />`;
    expect(sanitizeDescription(img)).toBe(img);
    expect(sanitizeDescription('<a href="https://example.com/x" target="_self" rel="opener">x</a>')).toBe(
      '<a href="https://example.com/x" rel="nofollow noopener noreferrer" target="_blank">x</a>',
    );
  });
});

describe('findBannedWords', () => {
  const words = ['外挂', 'Cheat', '代 练'];

  it('finds words case-insensitively, across spaces and zero-width characters', () => {
    expect(findBannedWords(words, ['王者 外\u200b挂'])).toEqual(['外挂']);
    expect(findBannedWords(words, ['free CHEAT'])).toEqual(['Cheat']);
    expect(findBannedWords(words, ['专业代练'])).toEqual(['代 练']);
    expect(findBannedWords(words, ['正常商品'])).toEqual([]);
  });

  it('finds words split by markup once the text is extracted', () => {
    const html = sanitizeDescription('<p>外<b>挂</b> &amp; more</p>');
    expect(findBannedWords(words, [html])).toEqual([]);
    expect(textOf(html)).toBe('外挂 & more');
    expect(findBannedWords(words, [textOf(html)])).toEqual(['外挂']);
  });
});

describe('detectImage', () => {
  it('goes by the bytes', () => {
    expect(detectImage(Buffer.from('89504e470d0a1a0a00', 'hex'))?.ext).toBe('png');
    expect(detectImage(Buffer.from('ffd8ffe000', 'hex'))?.ext).toBe('jpg');
    expect(detectImage(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))?.ext).toBe('webp');
    expect(detectImage(Buffer.from('GIF89a'))).toBeUndefined();
    expect(detectImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(detectImage(Buffer.from('RIFF\0\0\0\0WAVEfmt '))).toBeUndefined();
  });
});
