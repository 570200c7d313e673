/**
 * A one-line progress bar on a terminal: bytes sent, rate and time left, redrawn in place with `\r`. Only for a
 * terminal (the caller checks `isTTY`): redirected to a file or pipe, stderr gets no bar at all.
 */
const REDRAW_EVERY_MS = 100;
const BAR_WIDTH = 20;
/** For terminals that do not say their width (a pseudo-terminal without a size reports 0 columns). */
const DEFAULT_COLUMNS = 80;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export interface ProgressLine {
  label: string;
  loaded: number;
  total: number;
  /** Bytes per second sent in this run; 0 while unknown. */
  rate: number;
  /** Terminal width. */
  columns: number;
}

/** `name [########------------]  41%  45.2 MiB/110.0 MiB  38.1 MiB/s  2s left`, cut to the terminal's width. */
export function formatProgress({ label, loaded, total, rate, columns }: ProgressLine): string {
  const fraction = total > 0 ? Math.min(1, loaded / total) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const left = rate > 0 ? formatDuration((total - loaded) / rate) : '--';
  const stats = ` [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${formatBytes(loaded)}/${formatBytes(total)}  ${rate > 0 ? `${formatBytes(rate)}/s` : '--/s'}  ${left} left`;
  const room = Math.max(0, columns - stats.length - 1);
  const name = label.length <= room ? label : room > 1 ? `${label.slice(0, room - 1)}…` : '';
  return `${name}${stats}`.slice(0, Math.max(0, columns - 1));
}

interface Terminal {
  write(text: string): unknown;
  columns?: number;
}

export class ProgressBar {
  readonly #terminal: Terminal;
  readonly #label: string;
  readonly #now: () => number;
  #started: { at: number; loaded: number } | undefined;
  #drawnAt = -Infinity;
  #last = { loaded: 0, total: 0 };

  constructor(terminal: Terminal, label: string, now: () => number = () => performance.now()) {
    this.#terminal = terminal;
    this.#label = label;
    this.#now = now;
  }

  /** Redraws at most every 100 ms. The rate counts only bytes sent since the first report of this run. */
  update(progress: { loaded: number; total: number }): void {
    const now = this.#now();
    this.#started ??= { at: now, loaded: progress.loaded };
    this.#last = progress;
    if (now - this.#drawnAt >= REDRAW_EVERY_MS) this.#draw(now);
  }

  /** Draws the final state and ends the line. */
  finish(): void {
    if (this.#started === undefined) return;
    this.#draw(this.#now());
    this.#terminal.write('\n');
  }

  #draw(now: number): void {
    this.#drawnAt = now;
    const started = this.#started!;
    const seconds = (now - started.at) / 1000;
    const rate = seconds > 0 ? (this.#last.loaded - started.loaded) / seconds : 0;
    const line = formatProgress({ label: this.#label, ...this.#last, rate, columns: this.#terminal.columns || DEFAULT_COLUMNS });
    this.#terminal.write(`\r${line}\x1b[K`);
  }
}
