import 'server-only';

// Start-up progress shared between instrumentation (which does the work) and /api/health/ready.
export interface BootstrapState {
  phase: 'starting' | 'seeding' | 'ready' | 'failed';
  error?: string;
  detail?: string;
}
const g = globalThis as unknown as { __hmBootstrap?: BootstrapState };

export function bootstrapState(): BootstrapState {
  return (g.__hmBootstrap ??= { phase: 'starting' });
}

export function setBootstrapState(s: BootstrapState) {
  g.__hmBootstrap = s;
}
