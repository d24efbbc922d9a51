/** Where frames go: redrawn in place on a terminal, appended one after another otherwise. */
export interface Screen {
  draw(frame: string): void;
  /** Leaves the terminal as it was found; safe to call twice. */
  close(): void;
}

const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';
const CLEAR_SCREEN = '\x1b[2J';
const CURSOR_HOME = '\x1b[H';
const CLEAR_TO_END_OF_LINE = '\x1b[K';
const CLEAR_BELOW = '\x1b[J';

/**
 * Each frame overwrites the last from the top-left corner, line by line, and
 * only what is left over is cleared: clearing the whole screen every second
 * would flicker.
 */
export function terminalScreen(out: NodeJS.WritableStream): Screen {
  let open = true;
  const restore = () => {
    if (open) out.write(`${SHOW_CURSOR}\n`);
    open = false;
  };
  // A crash must not leave the user's terminal without a cursor.
  process.once('exit', restore);
  out.write(HIDE_CURSOR + CLEAR_SCREEN);
  return {
    draw: (frame) => out.write(`${CURSOR_HOME}${frame.split('\n').join(`${CLEAR_TO_END_OF_LINE}\n`)}${CLEAR_TO_END_OF_LINE}${CLEAR_BELOW}`),
    close: () => {
      process.removeListener('exit', restore);
      restore();
    },
  };
}

/** Frames in full, separated by a line of dashes: for logs, pipes and tests. */
export function plainScreen(out: NodeJS.WritableStream, width: number): Screen {
  let frames = 0;
  return {
    draw: (frame) => out.write(`${frames++ > 0 ? `${'-'.repeat(width)}\n` : ''}${frame}\n`),
    close: () => undefined,
  };
}
