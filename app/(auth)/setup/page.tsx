import type { Metadata } from 'next';
import { SetupForm } from '@/components/auth/setup-form';

export const metadata: Metadata = { title: 'First-run setup' };
export const dynamic = 'force-dynamic';

export default async function SetupPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { token } = await searchParams;
  return <SetupForm token={token ?? ''} />;
}
