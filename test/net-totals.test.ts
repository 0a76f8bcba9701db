import { describe, expect, it } from 'vitest';
import { countedInterfaces, netTotals } from '../src/core/net-totals.js';
import type { NetInterfaceStats } from '../src/core/sample.js';

const nic = (name: string, rx: number, tx: number, virtual = false): NetInterfaceStats =>
  virtual ? { name, rxBytesPerSec: rx, txBytesPerSec: tx, virtual } : { name, rxBytesPerSec: rx, txBytesPerSec: tx };

describe('netTotals', () => {
  it('counts bytes once: a container host with a bridge and a veth carrying the same 10 MB/s as eth0', () => {
    const net = [nic('eth0', 10e6, 1e6), nic('docker0', 10e6, 1e6, true), nic('veth12ab', 10e6, 1e6, true), nic('eth1', 5, 7)];
    expect(netTotals(net)).toEqual({ rxBytesPerSec: 10e6 + 5, txBytesPerSec: 1e6 + 7 });
    expect(countedInterfaces(net).map((n) => n.name)).toEqual(['eth0', 'eth1']);
  });

  it('a machine with only virtual interfaces counts them all, so its total is never 0', () => {
    const net = [nic('veth0', 300, 100, true), nic('tun0', 50, 20, true)];
    expect(netTotals(net)).toEqual({ rxBytesPerSec: 350, txBytesPerSec: 120 });
  });

  it('never counts loopback; a broken reading counts as 0; samples without flags (older, other platforms) count every interface', () => {
    expect(netTotals([nic('lo', 1e9, 1e9), nic('en0', 10, Number.NaN), nic('en1', 1, 2)])).toEqual({ rxBytesPerSec: 11, txBytesPerSec: 2 });
    expect(netTotals([nic('lo', 1e9, 1e9)])).toEqual({ rxBytesPerSec: 0, txBytesPerSec: 0 });
    expect(netTotals([])).toEqual({ rxBytesPerSec: 0, txBytesPerSec: 0 });
  });
});
