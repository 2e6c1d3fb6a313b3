import { redirect } from 'next/navigation';
import { requireUser } from '@/server/auth/current';
import { homeFor } from '@/server/nav';

export const dynamic = 'force-dynamic';

export default async function Home() {
  const { principal } = await requireUser();
  redirect(homeFor(principal));
}
