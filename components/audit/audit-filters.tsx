import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

/** A plain GET form: filters live in the URL, so a filtered view can be bookmarked and shared. */
export function AuditFilters({ initial }: { initial: { q: string; outcome: string; workspace: string; actor: string } }) {
  return (
    <form method="get" action="/audit" className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter the audit log">
      <label className="grid gap-1 text-sm">
        <span className="font-medium">Search</span>
        <Input name="q" defaultValue={initial.q} placeholder="action, target, actor, message" className="w-64" />
      </label>
      <label className="grid gap-1 text-sm">
        <span className="font-medium">Actor</span>
        <Input name="actor" defaultValue={initial.actor} placeholder="email" className="w-52" />
      </label>
      <label className="grid gap-1 text-sm">
        <span className="font-medium">Workspace</span>
        <Input name="workspace" defaultValue={initial.workspace} className="w-40 font-mono" />
      </label>
      <label className="grid gap-1 text-sm">
        <span className="font-medium">Outcome</span>
        <select name="outcome" defaultValue={initial.outcome} className="h-9 rounded-md border border-input bg-surface px-2 text-sm">
          <option value="">Any</option>
          <option value="success">Success</option>
          <option value="denied">Denied</option>
          <option value="failed">Failed</option>
        </select>
      </label>
      <Button type="submit" variant="secondary">
        Apply
      </Button>
    </form>
  );
}
