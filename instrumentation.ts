// Next.js calls register() once when the server starts (not during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { bootstrapOrExit } = await import('./server/bootstrap');
  await bootstrapOrExit();
}
