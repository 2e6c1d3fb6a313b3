import 'server-only';
import pino from 'pino';

// Structured JSON logs. Anything that could carry a secret is redacted by path; code must still never
// pass secrets to the logger (DESIGN §3 "Secrets").
const g = globalThis as unknown as { __hmLogger?: pino.Logger };

export const logger: pino.Logger =
  g.__hmLogger ??
  (g.__hmLogger = pino({
    level: process.env.HARBORMASTER_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info'),
    base: { service: 'harbormaster' },
    redact: {
      paths: [
        'password', '*.password', 'newPassword', '*.newPassword', 'token', '*.token', 'secret', '*.secret',
        'authorization', '*.authorization', 'headers.authorization', 'headers.cookie', 'cookie', '*.cookie',
        'kubeconfig', '*.kubeconfig', 'keyPem', '*.keyPem', 'key', '*.key',
      ],
      censor: '[redacted]',
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  }));
