/**
 * Packets per second on each deployed link, from the kernel's counters,
 * refreshed every second while the lab is deployed.
 */
import { useEffect, useState } from 'react';
import { tools, type Counters } from '../api';
import { labIsLive, useStore } from '../store';

export type Traffic = Record<number, { aToB: number; bToA: number }>;

/**
 * A link's traffic as the canvas writes it, and the title that says what is
 * counted: packets per second each way, read from each end's transmit counter.
 *
 * @example ppsLabel([12, 3], ['red veth-red', 'blue veth-blue']).text // → '→12 ←3 packets/s'
 */
export function ppsLabel(pps: [number, number], ends: [string, string]): { text: string; title: string } {
  const [ab, ba] = pps.map((n) => Math.round(n));
  return {
    text: `→${ab} ←${ba} packets/s`,
    title:
      `Packets per second on this link, each way, over the last second (the kernel's counters):\n` +
      `→ ${ab} sent by ${ends[0]} to ${ends[1]}\n← ${ba} sent by ${ends[1]} to ${ends[0]}`,
  };
}

export function useTraffic(): Traffic {
  const lab = useStore((s) => s.lab);
  const live = useStore(labIsLive);
  const [traffic, setTraffic] = useState<Traffic>({});
  useEffect(() => {
    if (!lab || !live) {
      setTraffic({});
      return;
    }
    let prev: Counters | null = null;
    let stopped = false;
    const tick = async () => {
      try {
        const now = await tools.counters(lab);
        if (prev && !stopped) {
          const dt = (now.at - prev.at) / 1000 || 1;
          const next: Traffic = {};
          for (const [i, ends] of Object.entries(now.links)) {
            const before = prev.links[Number(i)];
            const [a, b] = ends;
            if (!a || !b || !before?.[0] || !before[1]) continue;
            next[Number(i)] = {
              aToB: Math.max(0, (a.txPackets - before[0].txPackets) / dt),
              bToA: Math.max(0, (b.txPackets - before[1].txPackets) / dt),
            };
          }
          setTraffic(next);
        }
        prev = now;
      } catch {
        /* the lab went away meanwhile */
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), 1000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [lab, live]);
  return traffic;
}
