import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/server/auth/current';
import { LoginForm } from '@/components/auth/login-form';
import { safeNextPath } from '@/lib/next-path';
import { signInErrorText } from '@/lib/auth/sign-in-errors';
import { endSessionUrl, entraConfig, localAccountsEnabled } from '@/server/auth/entra';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(sp.next); // a path on this console, never another site (lib/next-path.ts)
  if (await getCurrentUser()) redirect(next);
  const entra = entraConfig();
  const signedOut = sp.signedOut === '1';
  // Signed out of a Microsoft session: offer to end the identity provider's session too (its end-session URL).
  const endSession = signedOut && sp.provider === 'entra' && entra ? await endSessionUrl(entra, new URL('/login?signedOut=1', entra.redirectUri).toString()).catch(() => null) : null;
  return (
    <LoginForm
      next={next}
      signedOut={signedOut}
      microsoft={!!entra}
      localAccounts={localAccountsEnabled()}
      error={signInErrorText(typeof sp.error === 'string' ? sp.error : null)}
      endSessionUrl={endSession}
    />
  );
}
