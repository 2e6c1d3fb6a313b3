'use client';

import '@xyflow/react/dist/base.css';
import * as React from 'react';
import { useRouter } from 'next/navigation';
import { ReactFlow, type Edge, type Node, type NodeTypes } from '@xyflow/react';
import { cn } from '@/lib/utils';

// A graph to read, not to edit (the model lineage, the sharing map): nothing to drag, select or connect, the page
// scrolls over it, and a click anywhere on a node with a page opens it (its link inside is there for the keyboard).
// Colours come from the console's tokens. xyflow's stylesheet is not in a CSS layer, so it wins over utilities:
// its attribution gets the console's colours through its own variable, and !important for the link.

export interface ReadOnlyFlowProps<N extends Node<{ href?: string }>> {
  nodes: N[];
  edges: Edge[];
  nodeTypes: NodeTypes;
  /** The group's accessible name. */
  label: string;
  testId: string;
  height: number;
  padding?: number;
  minZoom?: number;
  className?: string;
}

export function ReadOnlyFlow<N extends Node<{ href?: string }>>({ nodes, edges, nodeTypes, label, testId, height, padding = 0.1, minZoom = 0.4, className }: ReadOnlyFlowProps<N>) {
  const router = useRouter();
  return (
    <div
      role="group"
      aria-label={label}
      data-testid={testId}
      // String.raw: Tailwind reads this file as text, and the class must say \_\_ (an escaped underscore) there.
      className={cn(String.raw`w-full overflow-hidden rounded-md border border-border bg-background [&_.react-flow\_\_attribution_a]:text-muted-foreground!`, className)}
      style={{ height, ['--xy-attribution-background-color' as string]: 'var(--surface)' }}
    >
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={{ padding, maxZoom: 1 }}
        minZoom={minZoom}
        maxZoom={1.5}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        onNodeClick={(_, n) => n.data.href && router.push(n.data.href)}
        zoomOnScroll={false}
        preventScrolling={false}
        panOnScroll={false}
      />
    </div>
  );
}
