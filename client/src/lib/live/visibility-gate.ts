/**
 * Holds back a view's re-renders while it is far off screen. The overview has 2 000 tiles updating every
 * second and a screen shows a hundred: re-rendering the others cost most of a frame's script time and made
 * the long tasks. While the gate is closed, changes only mark the view as behind (`onBehind`, once, so it
 * can hide what it shows); opening the gate, or a change the view has not shown any value for yet, passes
 * straight through, so a view that comes into sight (or gets its first value) renders the current one.
 * A later change of a view on screen goes through `defer` (e.g. a per-frame render budget), as does nothing
 * else: a first value and catching up when the view comes into sight never wait.
 */
export class VisibilityGate {
  private open = true;
  private behind = false;
  private listener: (() => void) | null = null;
  /** One function per gate, so a budget that queues it twice renders the view once. */
  private readonly render = () => this.listener?.();

  constructor(
    private readonly onBehind: (behind: boolean) => void = () => undefined,
    private readonly defer: (render: () => void) => void = (render) => render(),
  ) {}

  /** The view's re-render; a change reaches it through `changed`. */
  connect(listener: () => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }

  /** A change of what the view shows; `shown` says whether it has shown a value yet. */
  changed(shown: boolean): void {
    if (!shown) {
      this.listener?.();
      return;
    }
    if (this.open) {
      this.defer(this.render);
      return;
    }
    if (!this.behind) {
      this.behind = true;
      this.onBehind(true);
    }
  }

  /** Whether the view is on (or near) the screen. */
  setOpen(open: boolean): void {
    this.open = open;
    if (open && this.behind) this.listener?.();
  }

  /** The view has rendered the current state (for any reason, e.g. a new alarm): nothing is held back. */
  rendered(): void {
    if (!this.behind) return;
    this.behind = false;
    this.onBehind(false);
  }

  get isOpen(): boolean {
    return this.open;
  }
}

/**
 * Calls `cb(false)` when the browser stops rendering an element with `content-visibility: auto` (it is far
 * enough off screen: Chromium skips it beyond about half a screen height from the viewport) and `cb(true)`
 * when it renders it again, before it scrolls into sight. The browser decides this for its own layout and
 * paint anyway, so it adds no observer of ours (one on 2 000 tiles cost ~40 ms/s). The browser's own
 * observation costs the same per element, every frame that changes layout: give it few elements (the
 * overview's groups of tile rows), not one per tile.
 * A browser without the event never closes the gate: slower, never wrong.
 */
export function watchSkipped(el: Element, cb: (rendered: boolean) => void): () => void {
  const on = (e: Event) => {
    if (e.target === el) cb(!(e as Event & { skipped: boolean }).skipped);
  };
  el.addEventListener('contentvisibilityautostatechange', on);
  return () => el.removeEventListener('contentvisibilityautostatechange', on);
}
