/** Linux signal names (without `SIG`), as moby/sys/signal's SignalMap has them. */
const SIGNALS: ReadonlySet<string> = new Set([
  'ABRT', 'ALRM', 'BUS', 'CHLD', 'CLD', 'CONT', 'FPE', 'HUP', 'ILL', 'INT', 'IO', 'IOT', 'KILL',
  'PIPE', 'POLL', 'PROF', 'PWR', 'QUIT', 'SEGV', 'STKFLT', 'STOP', 'SYS', 'TERM', 'TRAP', 'TSTP',
  'TTIN', 'TTOU', 'URG', 'USR1', 'USR2', 'VTALRM', 'WINCH', 'XCPU', 'XFSZ', 'RTMIN', 'RTMAX',
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 14 }, (_, i) => `RTMAX-${i + 1}`),
]);

/**
 * Whether STOPSIGNAL accepts `text` (moby's ParseSignal): a non-zero number, or a signal name in
 * any case, with or without `SIG`.
 */
export function isValidSignal(text: string): boolean {
  if (/^[+-]?\d+$/.test(text)) return Number.parseInt(text, 10) !== 0;
  const upper = text.toUpperCase();
  return SIGNALS.has(upper.startsWith('SIG') ? upper.slice(3) : upper);
}
