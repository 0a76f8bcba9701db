import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: real child processes that burn CPU or allocate memory, real
 * agents, terminals and timers. They run one file at a time, after the unit tests,
 * because on a 2-core machine files in parallel would make their measurements
 * meaningless. Everything else is a unit test and runs in parallel first.
 */
const END_TO_END = [
  'test/agent-server.test.ts',
  'test/agent.test.ts',
  'test/alert-message-end-to-end.test.ts',
  'test/alerts-end-to-end.test.ts',
  'test/alerts.test.ts',
  'test/brief-spikes-end-to-end.test.ts',
  'test/browser-end-to-end.test.ts',
  'test/cgroup-oom-end-to-end.test.ts',
  'test/collect-fast-watch.test.ts',
  'test/collect-filesystems.test.ts',
  'test/collect-linux-collector.test.ts',
  'test/collect-live-source.test.ts',
  'test/collect-platform.test.ts',
  'test/collect-proc-reader.test.ts',
  'test/collect-si-collector.test.ts',
  'test/dashboard.test.ts',
  'test/group-decode.test.ts',
  'test/host-feed.test.ts',
  'test/host-session.test.ts',
  'test/dashboard-memory.test.ts',
  'test/hostile-names-end-to-end.test.ts',
  'test/latency-spikes-end-to-end.test.ts',
  'test/live-replay-parity.test.ts',
  'test/metrics-end-to-end.test.ts',
  'test/overview.test.ts',
  'test/package.test.ts',
  'test/process-signaller.test.ts',
  'test/probes-end-to-end.test.ts',
  'test/prometheus-scrape-end-to-end.test.ts',
  'test/processes-panel.test.ts',
  'test/record.test.ts',
  'test/recording-fuzz.test.ts',
  'test/recording-writer.test.ts',
  'test/remote-archive.test.ts',
  'test/remote-source.test.ts',
  'test/screen.test.ts',
  'test/spike-end-to-end.test.ts',
  'test/spikes.test.ts',
  'test/terminal-profile.test.ts',
  'test/tmon-pty.test.ts',
];

const shared = {
  testTimeout: 20_000,
  hookTimeout: 20_000,
  // The person's own ~/.config/tmon/config.toml (a theme, an interval) must not change what the tests see.
  env: { XDG_CONFIG_HOME: '/nonexistent/tmon-tests' },
};

export default defineConfig({
  test: {
    reporters: ['default', './test/support/plain-summary-reporter.ts'],
    // tmux, python3, openssl and procps: installed with apt-get when missing and run as root (CI).
    globalSetup: ['./test/support/system-tools.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: END_TO_END,
          // Unit tests hold no process-wide state between files, so their workers are reused instead of started
          // afresh for each file: measured 31 s instead of 87 s for the unit project alone.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'end-to-end',
          include: END_TO_END,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
