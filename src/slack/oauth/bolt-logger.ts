import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from '../../lib/logger.js';

/**
 * Bolt's (and its WebClient's) logger, written through our redacting logger. It matters for the install
 * flow: at debug level the WebClient logs request bodies, and the body of oauth.v2.access carries the
 * client secret and the one-time code. Our logger removes the literal secrets of the config
 * (configSecrets) and every token shape, so nothing secret leaves the process through Bolt.
 */
export function boltLogger(logger: Logger, level: LogLevel = LogLevel.INFO): BoltLogger {
  let current = level;
  const line =
    (lvl: 'debug' | 'info' | 'warn' | 'error') =>
    (...msg: unknown[]) =>
      logger[lvl](`slack: ${msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ')}`);
  return {
    debug: line('debug'),
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    setLevel: (l: LogLevel) => {
      current = l;
    },
    getLevel: () => current,
    setName: () => {},
  };
}
