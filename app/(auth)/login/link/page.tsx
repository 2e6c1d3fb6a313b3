import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { getDb } from '@/server/db';
import { describePendingLink, LINK_COOKIE } from '@/server/auth/entra-flow';
import { LinkAccountForm } from '@/components/auth/link-account-form';

export const metadata: Metadata = { title: 'Link your Microsoft sign-in' };
export const dynamic = 'force-dynamic';

/**
 * A Microsoft sign-in named the email of an existing Harbormaster account: it is never merged silently. The
 * account's password confirms the link here (or an ops admin links it on the Users page).
 */
export default async function LinkPage() {
  const pending = await describePendingLink(await getDb(), (await cookies()).get(LINK_COOKIE)?.value);
  return <LinkAccountForm pending={pending} />;
}
