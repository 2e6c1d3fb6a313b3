import {
  Anchor, Boxes, Briefcase, ChartNoAxesColumn, Circle, Cloud, Container, Cpu, Database, FileText, FlaskConical, GitBranch,
  History, House, KeyRound, Layers, LayoutDashboard, ListChecks, Microchip, Network, Package, Rocket, ScrollText, Server,
  Settings, Share2, ShieldCheck, SlidersHorizontal, SquareTerminal, Users, Workflow, type LucideIcon,
} from 'lucide-react';

/**
 * Icon names the server may use in the nav model (lucide's kebab-case names, plus a few domain aliases)
 * mapped to components — icons cannot cross the server/client boundary as props, names can.
 */
export const NAV_ICONS: Record<string, LucideIcon> = {
  'layout-dashboard': LayoutDashboard, overview: LayoutDashboard,
  server: Server, clusters: Server,
  cpu: Cpu, microchip: Microchip, 'instance-types': Cpu,
  boxes: Boxes, compute: Boxes,
  briefcase: Briefcase, workspaces: Briefcase,
  users: Users,
  'key-round': KeyRound, tokens: KeyRound,
  house: House, home: House,
  'flask-conical': FlaskConical, jobs: FlaskConical,
  rocket: Rocket, endpoints: Rocket,
  layers: Layers, batch: Layers,
  package: Package, models: Package,
  database: Database, data: Database,
  container: Container, environments: Container,
  'share-2': Share2, sharing: Share2,
  network: Network,
  'shield-check': ShieldCheck, access: ShieldCheck,
  'scroll-text': ScrollText, audit: ScrollText,
  settings: Settings,
  cloud: Cloud, history: History, 'list-checks': ListChecks, 'git-branch': GitBranch, workflow: Workflow,
  'chart-no-axes-column': ChartNoAxesColumn, 'file-text': FileText, 'sliders-horizontal': SlidersHorizontal,
  anchor: Anchor,
  'square-terminal': SquareTerminal, python: SquareTerminal,
};

export function navIcon(name: string): LucideIcon {
  return NAV_ICONS[name] ?? Circle;
}
