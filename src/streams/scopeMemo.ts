import type { KeyStream } from './key/keyStream.js';

/** The streams one scopes argument leads to, without and with CAE. */
interface Slots {
  plain?: KeyStream;
  cae?: KeyStream;
}

interface ArrayEntry {
  /** The elements when remembered: an array changed since then is looked up afresh. */
  elements: string[];
  slots: Slots;
}

/** Bound on remembered scope strings; past it the memo starts over. */
const MAX_STRINGS = 1_000;

/**
 * Remembers which stream a `getToken(scopes)` call led to, so that the same scopes coming again
 * (the same string, or the same array unchanged, as SDK clients pass them) find the stream with a
 * map lookup: no validation, sorting or key string on the hot path. Only calls without a tenant
 * or claims go through it; a retired stream is never returned.
 */
export class ScopeMemo {
  private readonly strings = new Map<string, Slots>();
  private arrays = new WeakMap<readonly string[], ArrayEntry>();

  /** Forgets every stream (the credential's identity changed). */
  clear(): void {
    this.strings.clear();
    this.arrays = new WeakMap();
  }

  get(scopes: string | readonly string[], cae: boolean): KeyStream | undefined {
    const slots = typeof scopes === 'string' ? this.strings.get(scopes) : this.arraySlots(scopes);
    const stream = cae ? slots?.cae : slots?.plain;
    return stream === undefined || stream.retired ? undefined : stream;
  }

  set(scopes: string | readonly string[], cae: boolean, stream: KeyStream): void {
    let slots: Slots | undefined;
    if (typeof scopes === 'string') {
      slots = this.strings.get(scopes);
      if (slots === undefined) {
        if (this.strings.size >= MAX_STRINGS) this.strings.clear();
        slots = {};
        this.strings.set(scopes, slots);
      }
    } else {
      slots = this.arraySlots(scopes);
      if (slots === undefined) {
        slots = {};
        this.arrays.set(scopes, { elements: [...scopes], slots });
      }
    }
    if (cae) slots.cae = stream;
    else slots.plain = stream;
  }

  private arraySlots(scopes: readonly string[]): Slots | undefined {
    const entry = this.arrays.get(scopes);
    if (entry === undefined) return undefined;
    const { elements } = entry;
    if (elements.length !== scopes.length) return undefined;
    for (let i = 0; i < elements.length; i++) if (elements[i] !== scopes[i]) return undefined;
    return entry.slots;
  }
}
