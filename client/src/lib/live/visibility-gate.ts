/**
 * Holds back a view's re-renders while it is far off screen. The overview has 2 000 tiles updating every
 * second and a screen shows a hundred: re-rendering the others cost most of a frame's script time and made
 * the long tasks. While the gate is closed, changes only mark the view as behind (`onBehind`, once, so it
 * can hide what it shows); opening the gate, or a change the view has not shown any value for yet, passes
 * straight through, so a view that comes into sight (or gets its first value) renders the current one.
 */
export class VisibilityGate {
  private open = true;
  private behind = false;
  private listener: (() => void) | null = null;

  constructor(private readonly onBehind: (behind: boolean) => void = () => undefined) {}

  /** The view's re-render; a change reaches it through `changed`. */
  connect(listener: () => void): () => void {
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = null;
    };
  }

  /** A change of what the view shows; `shown` says whether it has shown a value yet. */
  changed(shown: boolean): void {
    if (this.open || !shown) {
      this.listener?.();
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
 * One IntersectionObserver for many elements (one per element costs more than the work it saves). The
 * margin reaches a screen height beyond the viewport on each side, so views are current before they scroll
 * in; a jump further away shows the view's current state in the next frame.
 */
export class VisibilityWatcher {
  private observer: IntersectionObserver | null = null;
  private callbacks = new Map<Element, (visible: boolean) => void>();

  constructor(private readonly rootMargin = '100% 0px 100% 0px') {}

  watch(el: Element, cb: (visible: boolean) => void): () => void {
    if (typeof IntersectionObserver === 'undefined') return () => undefined; // no observer: always open
    this.observer ??= new IntersectionObserver((entries) => entries.forEach((e) => this.callbacks.get(e.target)?.(e.isIntersecting)), { rootMargin: this.rootMargin });
    this.callbacks.set(el, cb);
    this.observer.observe(el);
    return () => {
      this.callbacks.delete(el);
      this.observer?.unobserve(el);
    };
  }
}
