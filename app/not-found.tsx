import Link from 'next/link';
import { SearchX } from 'lucide-react';

export default function NotFound() {
  return (
    <main id="main" className="flex min-h-[60vh] flex-col items-center justify-center gap-3 p-8 text-center">
      <SearchX aria-hidden className="size-10 text-muted-foreground" />
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="max-w-md text-sm text-muted-foreground">This page does not exist, or you do not have access to it.</p>
      <Link href="/" className="text-sm font-medium text-accent-text underline underline-offset-4">
        Go to your home page
      </Link>
    </main>
  );
}
