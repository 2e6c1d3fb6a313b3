import type { Metadata } from 'next';
import { headers } from 'next/headers';
import './globals.css';
import { Providers } from '@/components/shell/providers';

export const metadata: Metadata = {
  title: { default: 'Harbormaster', template: '%s · Harbormaster' },
  description: 'Run machine learning on any Kubernetes cluster',
  icons: { icon: '/favicon.svg' },
};

// Every page renders per request: its scripts carry the nonce of the request's Content-Security-Policy (proxy.ts).
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const csp = (await headers()).get('content-security-policy') ?? '';
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  return (
    <html lang="en" suppressHydrationWarning>
      <body>
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}
