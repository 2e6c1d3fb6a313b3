import 'server-only';

// Long-running ARM operations run by azure.arm intents (server/azure/effects.ts): one continuation mechanism for
// all of them. No attempt blocks while ARM works (a real extension install takes minutes, a compute attach a while):
// the first attempt starts the operation (the SDK's begin*: the request, then one poll), and while it runs the caller
// stores the SDK poller's serialized state (operation URLs only) on its record and answers "try again"; each later
// attempt resumes the poller from that state (`resumeFrom`) and polls once. An operation ending Failed throws
// core-lro's "The long-running operation has failed. <code>. <message>", which armError / armText read.

/** What both SDK poller kinds (core-lro's SimplePollerLike and the legacy LroEngine) have in common here. */
export interface ResumablePoller {
  isDone(): boolean;
  getOperationState(): object;
  getResult(): unknown;
  toString(): string;
}

export type LroStep =
  | { done: true; result: unknown }
  /** Still running: `lroState` is what to store for the next attempt; `status` ARM's (or "running"). */
  | { done: false; status: string; lroState: string };

/** Starts the operation (no stored state) or resumes it from the stored state, and polls once. */
export async function lroStep(stored: string | null | undefined, start: () => Promise<ResumablePoller>, resume: (resumeFrom: string) => Promise<ResumablePoller>): Promise<LroStep> {
  const poller = stored ? await resume(stored) : await start();
  if (poller.isDone()) return { done: true, result: poller.getResult() };
  const status = (poller.getOperationState() as { status?: unknown }).status;
  return { done: false, status: typeof status === 'string' ? status : 'running', lroState: poller.toString() };
}
