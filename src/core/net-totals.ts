import type { NetInterfaceStats } from './sample.js';

/**
 * The interfaces whose traffic makes the network total. Bytes over a bridge and
 * its veth, or a tunnel and the card under it, are the same bytes counted again,
 * so only physical interfaces count; a machine with none (some VMs and
 * containers show only virtual ones) counts them all, so its total is never 0.
 * Loopback never leaves the machine and never counts.
 */
export function countedInterfaces(net: readonly NetInterfaceStats[]): readonly NetInterfaceStats[] {
  const wire = net.filter((n) => n.name !== 'lo');
  const physical = wire.filter((n) => n.virtual !== true);
  return physical.length > 0 ? physical : wire;
}

/** Received and sent bytes per second over the counted interfaces; a reading that is not a number counts as 0. */
export function netTotals(net: readonly NetInterfaceStats[]): { rxBytesPerSec: number; txBytesPerSec: number } {
  let rx = 0;
  let tx = 0;
  for (const n of countedInterfaces(net)) {
    if (Number.isFinite(n.rxBytesPerSec)) rx += n.rxBytesPerSec;
    if (Number.isFinite(n.txBytesPerSec)) tx += n.txBytesPerSec;
  }
  return { rxBytesPerSec: rx, txBytesPerSec: tx };
}
