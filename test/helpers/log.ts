// A pino logger whose lines a test can read.
import pino from 'pino';

export interface LogLine {
  level: number;
  msg?: string;
  [key: string]: unknown;
}

export function capturedLog(level = 'info') {
  const lines: LogLine[] = [];
  const stream = { write: (s: string) => void lines.push(JSON.parse(s) as LogLine) };
  const log = pino({ level }, stream);
  return { log, stream, lines, messages: () => lines.map((l) => l.msg ?? '') };
}
