/**
 * How a lower module lets a higher one act without importing it: the lower module defines a hook (its
 * name and the function type it calls), the higher module provides it when the runtime is built (its
 * descriptor's `install`), and the lower module calls `deps.hooks.get(hook)` — usually inside its own
 * transaction, which it passes along, so what the higher module does commits or rolls back with it.
 *
 * Two kinds:
 * - a provided function, once per key: `provide(paidHandler, fn, 'order')`, `get(paidHandler, 'order')`
 *   (payments calls the handler that orders registered for the purpose "order");
 * - an event with any number of listeners, run in the order they were added: `on(event, fn)`,
 *   `await emit(event, …args)`.
 *
 * A hook nobody provides is a wiring bug: `get` throws at the first call, and `missing()` lists them
 * for a start-up check.
 */
// biome-ignore lint/suspicious/noExplicitAny: a hook's function type is any function; callers see the precise one
export type AnyFn = (...args: any[]) => unknown;

export interface Hook<F extends AnyFn> {
  readonly name: string;
  /** true: `get` without a provider is an error reported by `missing()` at start-up */
  readonly required: boolean;
  /** never set: carries F so provide/get are typed */
  readonly fn?: F;
}

export interface Event<Args extends unknown[]> {
  readonly name: string;
  readonly args?: Args;
}

export function defineHook<F extends AnyFn>(name: string, opts: { required?: boolean } = {}): Hook<F> {
  return { name, required: opts.required ?? true };
}

export function defineEvent<Args extends unknown[]>(name: string): Event<Args> {
  return { name };
}

export class Hooks {
  readonly #provided = new Map<string, AnyFn>();
  readonly #listeners = new Map<string, Array<(...args: never[]) => unknown>>();
  readonly #defined = new Map<string, Hook<AnyFn>>();

  /** Registers `fn` for `hook` (under `key` when the hook is keyed). Twice for the same key is a wiring bug. */
  provide<F extends AnyFn>(hook: Hook<F>, fn: F, key = ''): void {
    const k = slot(hook, key);
    if (this.#provided.has(k)) throw new Error(`hook ${describe(hook, key)} is provided twice`);
    this.#provided.set(k, fn);
    this.#defined.set(hook.name, hook);
  }

  get<F extends AnyFn>(hook: Hook<F>, key = ''): F {
    const fn = this.#provided.get(slot(hook, key));
    if (!fn) throw new Error(`no module provides hook ${describe(hook, key)}`);
    return fn as F;
  }

  has(hook: Hook<AnyFn>, key = ''): boolean {
    return this.#provided.has(slot(hook, key));
  }

  /** The keys provided for a keyed hook, in the order they were provided. */
  keys(hook: Hook<AnyFn>): string[] {
    const prefix = `${hook.name}\u0000`;
    return [...this.#provided.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  /** Required hooks among `hooks` that nobody provided (for any key). */
  missing(hooks: readonly Hook<AnyFn>[]): string[] {
    return hooks.filter((h) => h.required && this.keys(h).length === 0).map((h) => h.name);
  }

  on<Args extends unknown[]>(event: Event<Args>, listener: (...args: Args) => unknown): void {
    const list = this.#listeners.get(event.name) ?? [];
    list.push(listener as (...args: never[]) => unknown);
    this.#listeners.set(event.name, list);
  }

  /** Runs every listener in order and waits for each; a listener that throws stops the rest and fails the caller. */
  async emit<Args extends unknown[]>(event: Event<Args>, ...args: Args): Promise<void> {
    const list = this.#listeners.get(event.name);
    if (!list) return;
    for (const listener of list) await (listener as (...a: Args) => unknown)(...args);
  }
}

function slot(hook: Hook<AnyFn>, key: string): string {
  return `${hook.name}\u0000${key}`;
}

function describe(hook: Hook<AnyFn>, key: string): string {
  return key ? `${hook.name}[${key}]` : hook.name;
}
