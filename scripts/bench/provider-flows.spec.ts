import { Money } from '#monay/kernel';
import type { ReportedLoad } from './report';
import {
  busiestUserShare,
  flowRows,
  flowsSummary,
  fundingPerUser,
  renderFlows,
  type FlowReport,
  type ProviderFlowsReport,
} from './provider-flows';

function load(connections: number, rps: number): ReportedLoad {
  return {
    label: 'flow',
    mode: 'withdraw',
    connections,
    overallRate: null,
    seconds: 10,
    responses: rps * 10,
    ok2xx: rps * 10,
    non2xx: 0,
    statusCounts: { '201': rps * 10 },
    errors: 0,
    timeouts: 0,
    rps,
    latency: { count: rps * 10, meanMs: 20, p50Ms: 18, p95Ms: 40, p99Ms: 55, maxMs: 80 },
    errorSamples: [],
    cpu: { apiCores: 1, postgresCores: 0.5, loadGeneratorCores: 0.2, machineBusyCores: 1.8, otherCores: 0.1 },
    server: null,
  };
}

function flow(name: 'withdraw' | 'swap', peakRps: number, p2pPeakRps: number): FlowReport {
  const peak = load(32, peakRps);
  const settled = { pending: 0, completed: peakRps * 10, failed: 0, outboxBacklog: 0 };
  return {
    levels: [load(16, peakRps / 2), peak],
    peak,
    flow: name,
    path: `/api/consumer/${name}`,
    completedAtAnswer: peakRps * 15,
    acceptedAtAnswer: 0,
    ratioToP2p: Math.round((peakRps / p2pPeakRps) * 1000) / 1000,
    atEnd: settled,
    afterWait: { ...settled, waitedMs: 250 },
  };
}

describe('the withdrawal and swap phases', () => {
  it('fund the busiest user for every withdrawal held with the fee margin and every swap, never less than the mean', () => {
    expect(busiestUserShare(0, 1000)).toBe(6);
    // 4 per user on average: 4 + 6 × 2 + 6
    expect(busiestUserShare(4000, 1000)).toBe(22);
    expect(busiestUserShare(1, 0)).toBe(13);
    // 22 × (0.01 + 1.00 held) + 22 × 0.01
    expect(fundingPerUser(4000, 1000, Money.parse('0.01', 'USDC')).toDecimalString()).toBe(
      Money.parse('22.44', 'USDC').toDecimalString(),
    );
  });

  it('report each peak with its ratio to the P2P peak, in the JSON summary and in the headline rows', () => {
    const flows: ProviderFlowsReport = {
      latencyScale: '0',
      amount: '0.01',
      users: 1000,
      connections: [16, 32],
      relayBefore: { backlog: 120, left: 0, waitedMs: 400 },
      funding: {
        requestsPerFlowBound: 4000,
        neededPerUser: '22.44',
        lowestBefore: '999.9',
        toppedUpPerUser: null,
      },
      withdraw: flow('withdraw', 150, 300),
      swap: flow('swap', 120, 300),
    };
    expect(flowsSummary(flows)).toMatchObject({
      withdrawPeakRps: 150,
      withdrawPeakConnections: 32,
      withdrawP95MsAtPeak: 40,
      withdrawRatioToP2p: 0.5,
      swapPeakRps: 120,
      swapRatioToP2p: 0.4,
    });
    expect(flowsSummary(null)).toMatchObject({ withdrawPeakRps: null, swapRatioToP2p: null });
    const [withdraw, swap] = flowRows(flows, 1500);
    expect(withdraw).toContain('`POST /api/consumer/withdraw`');
    expect(withdraw).toContain('0.500× of P2P');
    expect(withdraw).toMatch(/\| 0\.100× \|$/);
    expect(swap).toContain('0.400× of P2P');
    expect(flowRows(undefined, 1500)[0]).toContain('skipped');

    const detail = renderFlows(flows).join('\n');
    expect(detail).toContain(
      '| /api/consumer/withdraw | 32 (peak) | 150 | 18.0 / 40.0 / 55.0 | 1,500 / 0 | 0 | 0 |',
    );
    expect(detail).toContain('all settled and published 250 ms later');
    expect(detail).toContain('120 outbox events of the earlier phases to publish: published in 400 ms');
    expect(detail).not.toContain('topped up');
  });
});
