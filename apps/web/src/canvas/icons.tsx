/** Device icons, inline SVG (nothing downloaded): drawn with currentColor, 20 px. */
import type { ReactElement } from 'react';

export type IconKind = 'netns' | 'router' | 'host' | 'bridge' | 'vxlan';

const PATHS: Record<IconKind, ReactElement> = {
  // A box: a network namespace, a container's view of the network.
  netns: (
    <>
      <path d="M10 2 17 6v8l-7 4-7-4V6z" />
      <path d="M3 6l7 4 7-4M10 10v8" />
    </>
  ),
  // A router: a disc with arrows in and out.
  router: (
    <>
      <circle cx="10" cy="10" r="8" />
      <path d="M5 8h6M9 6l2 2-2 2M15 12H9M11 10l-2 2 2 2" />
    </>
  ),
  // A computer: the host itself.
  host: (
    <>
      <rect x="2.5" y="3" width="15" height="10" rx="1.5" />
      <path d="M7 17h6M10 13v4" />
    </>
  ),
  // A switch: ports on a box.
  bridge: (
    <>
      <rect x="2" y="6" width="16" height="8" rx="2" />
      <path d="M5 10h.01M8 10h.01M11 10h.01M14 10h1" />
    </>
  ),
  // A tunnel: frames carried inside another network.
  vxlan: (
    <>
      <path d="M2 14V9a8 5 0 0 1 16 0v5" />
      <path d="M6 14V10a4 3 0 0 1 8 0v4" />
    </>
  ),
};

export function Icon({ kind, size = 20 }: { kind: IconKind; size?: number }) {
  return (
    <svg
      className={`node-icon icon-${kind}`}
      width={size}
      height={size}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.6"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {PATHS[kind]}
    </svg>
  );
}
