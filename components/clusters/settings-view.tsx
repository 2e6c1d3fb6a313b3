import * as React from 'react';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import type { ExtensionSettings } from '@/lib/domain';
import type { EgressSettings } from '@/lib/clusters/schemas';

const yes = (b: boolean) => (b ? 'true' : 'false');

/** The extension's settings, read-only, with Azure ML's names (auditors; the Network tab). */
export function SettingsView({ settings, egress }: { settings: ExtensionSettings; egress?: EgressSettings | null }) {
  const rows: Array<[string, string]> = [
    ['enableTraining', yes(settings.enableTraining)],
    ['enableInference', yes(settings.enableInference)],
    ...(settings.enableInference
      ? ([
          ['inferenceRouterServiceType', settings.inferenceRouterServiceType],
          ['internalLoadBalancerProvider', settings.internalLoadBalancerProvider ?? '—'],
          ['allowInsecureConnections', yes(settings.allowInsecureConnections)],
          ['sslSecret', settings.sslSecret ?? '—'],
          ['sslCname', settings.sslCname ?? '—'],
          ['inferenceRouterHA', yes(settings.inferenceRouterHA)],
          ['routerImage', settings.routerImage],
        ] as Array<[string, string]>)
      : []),
    ['installNvidiaDevicePlugin', yes(settings.installNvidiaDevicePlugin)],
    ...Object.entries(settings.nodeSelector).map(([k, v]) => [`nodeSelector.${k}`, v] as [string, string]),
    ['imageRegistry', settings.imageRegistry ?? '—'],
    ['imagePullSecret', settings.imagePullSecret ?? '—'],
    ['proxy.httpProxy', settings.proxy?.httpProxy ?? '—'],
    ['proxy.httpsProxy', settings.proxy?.httpsProxy ?? '—'],
    ['proxy.noProxy', settings.proxy?.noProxy ?? '—'],
    ['egress policy', egress?.enabled ? `on; allow ${[...egress.allowCidrs, ...egress.allowHosts].join(', ') || 'DNS, proxy and registry only'}` : 'off'],
  ];
  return (
    <Card>
      <CardHeader>
        <CardTitle>Settings</CardTitle>
      </CardHeader>
      <CardContent>
        <dl className="grid grid-cols-[minmax(0,auto)_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
          {rows.map(([k, v]) => (
            <React.Fragment key={k}>
              <dt className="font-mono text-xs text-muted-foreground">{k}</dt>
              <dd className="break-all font-mono text-xs">{v}</dd>
            </React.Fragment>
          ))}
        </dl>
      </CardContent>
    </Card>
  );
}
