// Next.js calls register() once when the server starts (not during `next build`).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  try {
    const { bootstrap } = await import('./server/bootstrap');
    await bootstrap();
  } catch (e) {
    // A console that cannot start must say why and stop, not serve pages that all fail.
    console.error(`\nHarbormaster cannot start: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
