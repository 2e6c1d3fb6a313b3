import Link from 'next/link';
import { ShieldX } from 'lucide-react';

export default function Forbidden() {
  return (
    <main id="main" className="flex min-h-[60vh] flex-col items-center justify-center gap-3 p-8 text-center">
      <ShieldX aria-hidden className="size-10 text-danger" />
      <h1 className="text-xl font-semibold">You do not have access to this page</h1>
      <p className="max-w-md text-sm text-muted-foreground">Your role does not include this part of Harbormaster. Ask an ops admin if you need it.</p>
      <Link href="/" className="text-sm font-medium text-accent-text underline underline-offset-4">
        Go to your home page
      </Link>
    </main>
  );
}
