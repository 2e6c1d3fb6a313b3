import { Ship } from 'lucide-react';

export default function AuthLayout({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" className="flex min-h-screen items-center justify-center bg-muted p-6">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex items-center justify-center gap-2 text-lg font-semibold">
          <Ship aria-hidden className="size-6 text-accent" />
          Harbormaster
        </div>
        {children}
      </div>
    </main>
  );
}
