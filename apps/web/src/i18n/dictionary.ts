/**
 * Kameng's one way to translate: a dictionary is defined once per chunk (the storefront's, each console's, the
 * error sentences) from a zh-CN table written first and an en-US table that must translate every key of it and
 * nothing else, so a missing or stray translation, or a key no table has, fails `tsc`. A chunk's dictionary is
 * an ordinary module import, so the admin and supplier tables ship in their lazy chunks, never in the first load.
 */
export type Locale = 'zh-CN' | 'en-US';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en-US'];

export type Vars = Readonly<Record<string, string | number>>;

/** A translator for one language; it knows which, so the error translator can answer in the same one. */
export interface Translate<K extends string> {
  (key: K, vars?: Vars): string;
  readonly locale: Locale;
}

export interface Dictionary<K extends string> {
  readonly 'zh-CN': Readonly<Record<K, string>>;
  readonly 'en-US': Readonly<Record<K, string>>;
}

/** What the en-US table of a zh-CN table must be: every key, each a string, and no other key. */
export type Translation<Z> = { readonly [K in keyof Z]: string };

export type KeyOf<D> = D extends Dictionary<infer K> ? K : never;

export function defineMessages<Z extends Record<string, string>>(
  zh: Z,
  en: Translation<Z>,
): Dictionary<Extract<keyof Z, string>> {
  return { 'zh-CN': zh, 'en-US': en };
}

/** One dictionary with the keys of both, e.g. a console's own strings over the strings every console shares. */
export function combine<A extends string, B extends string>(a: Dictionary<A>, b: Dictionary<B>): Dictionary<A | B> {
  return {
    'zh-CN': { ...a['zh-CN'], ...b['zh-CN'] } as Record<A | B, string>,
    'en-US': { ...a['en-US'], ...b['en-US'] } as Record<A | B, string>,
  };
}

export function hasKey<K extends string>(dictionary: Dictionary<K>, key: string): key is K {
  return Object.hasOwn(dictionary['zh-CN'], key);
}

/** `{name}` placeholders are filled from `vars`; one without a value reads as nothing rather than as `{name}`. */
export function translator<K extends string>(dictionary: Dictionary<K>, locale: Locale): Translate<K> {
  const table = dictionary[locale];
  const t = (key: K, vars: Vars = {}) =>
    table[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ''));
  return Object.assign(t, { locale });
}
