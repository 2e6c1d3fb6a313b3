import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { getCurrentUser } from '@/server/auth/current';
import { LoginForm } from '@/components/auth/login-form';
import { safeNextPath } from '@/lib/next-path';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const next = safeNextPath(sp.next); // a path on this console, never another site (lib/next-path.ts)
  if (await getCurrentUser()) redirect(next);
  return <LoginForm next={next} signedOut={sp.signedOut === '1'} />;
}
