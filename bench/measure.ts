// Small measuring tools shared by the scenarios: medians, the critical path of a set of HTTP
// round trips, memory peaks and the HTTP requests a process sends through fetch.

export interface Interval {
  start: number;
  end: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The middle item by `key`: one whole run, so its numbers belong together. */
export function medianBy<T>(items: T[], key: (item: T) => number): T {
  return [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)];
}

/**
 * Round trips on the critical path: the longest chain of requests where each one started only
 * after the previous one had answered. Parallel requests add nothing; a page that needs the
 * previous page's nextLink adds one.
 */
export function criticalPath(intervals: Interval[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const depth: number[] = [];
  sorted.forEach((request, i) => {
    let before = 0;
    for (let j = 0; j < i; j++) {
      if (sorted[j].end <= request.start) {
        before = Math.max(before, depth[j]);
      }
    }
    depth.push(before + 1);
  });
  return Math.max(0, ...depth);
}

/** Records every Graph request (`/v1.0/…`, `/beta/…`) this process sends through fetch, start to response headers. */
export function recordGraphFetches(): { intervals: Interval[]; stop(): void } {
  const intervals: Interval[] = [];
  const original = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const start = performance.now();
    try {
      return await original(input, init);
    } finally {
      if (/^https:\/\/[^/]+\/(v1\.0|beta)\//.test(url)) {
        intervals.push({ start, end: performance.now() });
      }
    }
  };
  return { intervals, stop: () => (globalThis.fetch = original) };
}

/** Peak resident memory above what the process held when started (MB), sampled and from the OS high-water mark. */
export function memoryPeak(): { stop(): number } {
  (globalThis as { gc?: () => void }).gc?.();
  // rss() alone: memoryUsage() also walks the heap's spaces, which every 5 ms cost the measured
  // process most of a second of CPU in a portfolio run.
  const before = process.memoryUsage.rss();
  const highWaterBefore = process.resourceUsage().maxRSS * 1024;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  return {
    stop: () => {
      clearInterval(timer);
      const highWater = process.resourceUsage().maxRSS * 1024;
      peak = Math.max(peak, process.memoryUsage.rss(), highWater > highWaterBefore ? highWater : 0);
      return (peak - before) / 2 ** 20;
    },
  };
}
