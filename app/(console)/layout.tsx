import { AppShell } from '@/components/shell/app-shell';
import { requireUser } from '@/server/auth/current';
import { getDb } from '@/server/db';
import { listWorkspaces } from '@/server/services/workspaces';
import { navFor, roleLabel } from '@/server/nav';
import { extraShellData } from '@/server/shell-extras';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const { user, principal } = await requireUser();
  const db = await getDb();
  const workspaces = principal.globalRole ? [] : await listWorkspaces(db, principal);
  const extras = await extraShellData(principal);
  return (
    <AppShell
      nav={navFor(principal)}
      user={{ email: user.email, displayName: user.displayName, roleLabel: roleLabel(principal) }}
      workspaces={workspaces.map((w) => ({ name: w.name, displayName: w.displayName }))}
      unreachableClusters={extras.unreachableClusters}
      commandEntries={extras.commandEntries}
    >
      {children}
    </AppShell>
  );
}
