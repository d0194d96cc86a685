/**
 * Runs `cb` at the next animation frame, or after 16 ms where there are no frames (hidden tab, tests).
 */
export function nextFrame(cb: () => void): void {
  const visible = typeof document === 'undefined' || document.visibilityState !== 'hidden';
  if (visible && typeof requestAnimationFrame === 'function') requestAnimationFrame(cb);
  else setTimeout(cb, 16);
}

/**
 * Collects items and hands them over once per animation frame, so a burst of socket events costs one
 * render instead of hundreds. With `maxPerFrame`, a bigger burst is handed over in order over the next
 * frames, so no one frame carries all of it.
 */
export class FrameBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly maxPerFrame = Infinity,
    private readonly frame: (cb: () => void) => void = nextFrame,
  ) {}

  push(item: T): void {
    this.queue.push(item);
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.frame(() => {
      this.scheduled = false;
      const items = this.queue.length > this.maxPerFrame ? this.queue.splice(0, this.maxPerFrame) : this.queue;
      if (items === this.queue) this.queue = [];
      else this.schedule();
      if (items.length) this.flush(items);
    });
  }
}
