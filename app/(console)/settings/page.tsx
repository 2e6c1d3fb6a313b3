import type { Metadata } from 'next';
import { PageHeader } from '@/components/ui/page-header';
import { TokensPanel } from '@/components/settings/tokens-panel';
import { SecurityPanel } from '@/components/settings/security-panel';
import { requirePermission } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listTokens } from '@/server/auth/tokens';
import { env } from '@/server/env';
import { defaultExpiresIn } from '@/lib/token-expiry';

export const metadata: Metadata = { title: 'Tokens & security' };
export const dynamic = 'force-dynamic';

export default async function SettingsPage() {
  const { user } = await requirePermission('self.tokens');
  const tokens = await listTokens(await getDb(), user.id);
  return (
    <div className="space-y-6">
      <PageHeader title="Tokens & security" breadcrumb={[{ label: 'Account' }, { label: 'Tokens & security' }]} description={`Signed in as ${user.email}.`} />
      <TokensPanel tokens={tokens} now={Date.now()} defaultExpiresIn={defaultExpiresIn(env().HARBORMASTER_TOKEN_DEFAULT_DAYS)} />
      <SecurityPanel />
    </div>
  );
}
