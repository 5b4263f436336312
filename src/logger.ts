import pino from 'pino';

export function createLogger(level: string) {
  return pino({ level, base: { service: 'traffic-orchestrator' }, timestamp: pino.stdTimeFunctions.isoTime });
}
