/**
 * Collects items and hands them over once per animation frame, so a burst of socket events costs one
 * render instead of hundreds. Falls back to a 16 ms timer where there are no frames (hidden tab, tests).
 */
export class FrameBatcher<T> {
  private queue: T[] = [];
  private scheduled = false;

  constructor(private readonly flush: (items: T[]) => void) {}

  push(item: T): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    const run = () => {
      this.scheduled = false;
      const items = this.queue;
      this.queue = [];
      if (items.length) this.flush(items);
    };
    const visible = typeof document === 'undefined' || document.visibilityState !== 'hidden';
    if (visible && typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
    else setTimeout(run, 16);
  }
}
