import { Skeleton, SkeletonBlock } from '@/components/ui/skeleton';

export default function SharingLoading() {
  return (
    <div className="space-y-6">
      <Skeleton className="h-16 w-full max-w-2xl" />
      <SkeletonBlock label="Loading the sharing map" lines={4} />
      <Skeleton className="h-72 w-full" />
    </div>
  );
}
