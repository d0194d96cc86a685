import { nextFrame } from './frame-batcher';

/**
 * At most `perFrame` view re-renders per animation frame; the rest wait, in order, for the next frames.
 *
 * The plant's PLCs are polled in step, so the overview gets every tag's new value in the same frame once a
 * second: all ~80 tiles on a 1920×1080 screen re-rendered, laid out and painted at once made that one frame
 * a 25–50 ms task (the long tasks), while the frames in between were idle. Spread over a few frames, each is
 * short and a value appears at most a few frames (tens of ms) later. A view queued twice renders once, with
 * the value current when its turn comes; its place in the queue is kept, so none waits behind later ones.
 */
export class RenderBudget {
  private readonly queue = new Set<() => void>();
  /** Renders run in the current frame. */
  private used = 0;
  private armed = false;

  constructor(
    readonly perFrame: number,
    private readonly frame: (cb: () => void) => void = nextFrame,
  ) {}

  /** Runs `render` now if this frame has budget left and nothing waits, else in a coming frame. */
  schedule(render: () => void): void {
    if (!this.queue.size && this.used < this.perFrame) {
      this.used++;
      this.arm();
      render();
      return;
    }
    this.queue.add(render);
    this.arm();
  }

  /** Renders waiting for a coming frame. */
  get waiting(): number {
    return this.queue.size;
  }

  /** The next frame starts a new budget (and runs what waits); only armed while there is something to reset. */
  private arm(): void {
    if (this.armed) return;
    this.armed = true;
    this.frame(() => {
      this.armed = false;
      this.used = 0;
      for (const render of this.queue) {
        if (this.used >= this.perFrame) break;
        this.queue.delete(render);
        this.used++;
        render();
      }
      if (this.used) this.arm();
    });
  }
}
