/**
 * Structured logs: one JSON object per line on stdout (`ts`, `level`, `msg` and fields).
 * @internal
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** @internal */
export class Logger {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly base: Record<string, unknown> = {},
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  /** A logger that adds `fields` to every line. */
  public with(fields: Record<string, unknown>): Logger {
    return new Logger(this.level, { ...this.base, ...fields }, this.write);
  }

  public debug(msg: string, fields?: Record<string, unknown>): void {
    this.emit('debug', msg, fields);
  }
  public info(msg: string, fields?: Record<string, unknown>): void {
    this.emit('info', msg, fields);
  }
  public warn(msg: string, fields?: Record<string, unknown>): void {
    this.emit('warn', msg, fields);
  }
  public error(msg: string, fields?: Record<string, unknown>): void {
    this.emit('error', msg, fields);
  }

  /** Whether lines of `level` are written (to skip building fields that would be dropped). */
  public enabled(level: LogLevel): boolean {
    return ORDER[level] >= ORDER[this.level];
  }

  private emit(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (ORDER[level] < ORDER[this.level]) return;
    this.write(JSON.stringify({ ts: new Date().toISOString(), level, msg, ...this.base, ...fields }));
  }
}
