// Prometheus metrics: requests, signatures by algorithm, and request latency, on a registry of the app's own.
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The server's metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'sigil_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'sigil_http_request_duration_seconds',
    help: 'HTTP request latency by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly signatures = new Counter({
    name: 'sigil_signatures_total',
    help: 'Signatures made, by algorithm and surface',
    labelNames: ['algorithm', 'surface'] as const,
    registers: [this.registry],
  });
  readonly signingLatency = new Histogram({
    name: 'sigil_signing_duration_seconds',
    help: 'Time the key provider took per call (a batch is one call), by algorithm',
    labelNames: ['algorithm'] as const,
    buckets: [0.0005, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  /** With `processMetrics`, Node's default process metrics are collected too (once per process). */
  constructor(processMetrics = false) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'sigil_' });
  }

  /** Reports `count()` as `sigil_log_lines_dropped_total`: log lines that could not be written. */
  countDroppedLogLines(count: () => number): void {
    new Counter({
      name: 'sigil_log_lines_dropped_total',
      help: 'Log lines dropped because the log could not be written (full disk, closed or stalled output)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(count());
      },
    });
  }
}
