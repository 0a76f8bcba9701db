/** A screen that ends on its own (a key) and can be torn down from outside (a signal). */
export interface Screen<T> {
  readonly done: Promise<T>;
  destroy(): void;
}

export interface ScreenTurns {
  /** Makes `screen` the one destroy() reaches, and waits for it to end. */
  show<T>(screen: Screen<T>): Promise<T>;
  /** True once destroy() was called: stop opening screens. */
  readonly destroyed: boolean;
}

/**
 * Screens shown one after another on one terminal (overview ↔ host, live ↔
 * stored history). destroy() reaches whichever is up; whatever fails, the
 * terminal is given back before the error goes up.
 */
export function screenSequence<R>(run: (turns: ScreenTurns) => Promise<R>): Screen<R> {
  let current: Screen<unknown> | undefined;
  let destroyed = false;
  const turns: ScreenTurns = {
    show: (screen) => {
      current = screen;
      return screen.done;
    },
    get destroyed() {
      return destroyed;
    },
  };
  const destroy = (): void => {
    destroyed = true;
    current?.destroy();
  };
  const done = run(turns).catch((err: unknown) => {
    destroy();
    throw err;
  });
  return { done, destroy };
}
