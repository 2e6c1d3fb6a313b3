import * as React from 'react';
import {
  Ban, CircleCheck, CircleDashed, CircleHelp, CircleX, Clock, Loader2, PlugZap, TriangleAlert, UserCheck, UserX,
  type LucideIcon,
} from 'lucide-react';
import { cn } from '@/lib/utils';
import { Badge, type BadgeTone } from './badge';

interface StatusStyle { label: string; tone: BadgeTone; icon: LucideIcon; busy?: boolean }

// One vocabulary per kind (UI.md "Visual language"). Jobs keep Azure ML's own words so they match
// what `az ml job show` prints; the other kinds use plain English.
export const STATUS_VOCABULARY = {
  cluster: {
    Healthy: { label: 'Healthy', tone: 'success', icon: CircleCheck },
    Degraded: { label: 'Degraded', tone: 'warning', icon: TriangleAlert },
    Unreachable: { label: 'Unreachable', tone: 'danger', icon: PlugZap },
    Unknown: { label: 'Unknown', tone: 'neutral', icon: CircleHelp },
  },
  job: {
    NotStarted: { label: 'NotStarted', tone: 'neutral', icon: CircleDashed },
    Queued: { label: 'Queued', tone: 'info', icon: Clock },
    Preparing: { label: 'Preparing', tone: 'info', icon: Loader2, busy: true },
    Running: { label: 'Running', tone: 'accent', icon: Loader2, busy: true },
    Finalizing: { label: 'Finalizing', tone: 'accent', icon: Loader2, busy: true },
    Completed: { label: 'Completed', tone: 'success', icon: CircleCheck },
    Failed: { label: 'Failed', tone: 'danger', icon: CircleX },
    Canceled: { label: 'Canceled', tone: 'neutral', icon: Ban },
  },
  deployment: {
    Provisioning: { label: 'Provisioning', tone: 'info', icon: Loader2, busy: true },
    Healthy: { label: 'Healthy', tone: 'success', icon: CircleCheck },
    Unhealthy: { label: 'Unhealthy', tone: 'danger', icon: CircleX },
    Updating: { label: 'Updating', tone: 'info', icon: Loader2, busy: true },
    Deleting: { label: 'Deleting', tone: 'neutral', icon: Loader2, busy: true },
  },
  /** An online endpoint's provisioning state (Azure ML's words): is the router serving it. */
  endpoint: {
    Creating: { label: 'Creating', tone: 'info', icon: Loader2, busy: true },
    Updating: { label: 'Updating', tone: 'info', icon: Loader2, busy: true },
    Succeeded: { label: 'Succeeded', tone: 'success', icon: CircleCheck },
    Failed: { label: 'Failed', tone: 'danger', icon: CircleX },
    Deleting: { label: 'Deleting', tone: 'neutral', icon: Loader2, busy: true },
  },
  check: {
    ok: { label: 'OK', tone: 'success', icon: CircleCheck },
    warning: { label: 'Warning', tone: 'warning', icon: TriangleAlert },
    error: { label: 'Error', tone: 'danger', icon: CircleX },
  },
  extension: {
    notInstalled: { label: 'Not installed', tone: 'neutral', icon: CircleDashed },
    installing: { label: 'Installing', tone: 'info', icon: Loader2, busy: true },
    installed: { label: 'Installed', tone: 'success', icon: CircleCheck },
    failed: { label: 'Failed', tone: 'danger', icon: CircleX },
  },
  user: {
    active: { label: 'Active', tone: 'success', icon: UserCheck },
    disabled: { label: 'Disabled', tone: 'neutral', icon: UserX },
  },
} as const satisfies Record<string, Record<string, StatusStyle>>;

export type StatusKind = keyof typeof STATUS_VOCABULARY;
export type StatusOf<K extends StatusKind> = keyof (typeof STATUS_VOCABULARY)[K] & string;

/** Looks up how a status is shown; an unexpected value reads as itself in neutral with a "?" icon. */
export function statusStyle(kind: StatusKind, status: string): StatusStyle {
  const table = STATUS_VOCABULARY[kind] as Record<string, StatusStyle>;
  return Object.hasOwn(table, status) ? table[status] : { label: status || 'Unknown', tone: 'neutral', icon: CircleHelp };
}

export type StatusBadgeProps<K extends StatusKind> = {
  kind: K;
  /** Typed per kind; a plain string is accepted too (values from the API) and falls back gracefully. */
  status: StatusOf<K> | (string & {});
  /** Extra words after the status, e.g. a reason ("Failed · OOMKilled"). */
  detail?: React.ReactNode;
  className?: string;
  title?: string;
};

/**
 * The state of anything, as icon + word + colour (never colour alone):
 * `<StatusBadge kind="job" status="Running" />`.
 */
export function StatusBadge<K extends StatusKind>({ kind, status, detail, className, title }: StatusBadgeProps<K>) {
  const style = statusStyle(kind, status);
  const Icon = style.icon;
  return (
    <Badge tone={style.tone} className={className} title={title} data-status={status}>
      <Icon aria-hidden className={cn(style.busy && 'motion-safe:animate-spin')} />
      <span>{style.label}</span>
      {detail != null && detail !== '' && <span className="font-normal">· {detail}</span>}
    </Badge>
  );
}
