import type { Metadata } from 'next';
import './globals.css';
import { Providers } from '@/components/shell/providers';

export const metadata: Metadata = {
  title: { default: 'Harbormaster', template: '%s · Harbormaster' },
  description: 'Run machine learning on any Kubernetes cluster',
  icons: { icon: '/favicon.svg' },
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en" suppressHydrationWarning>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
