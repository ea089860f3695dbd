import { bulkShot } from '../requests.js';
import { withService } from '../service.js';
import type { BenchDatabase } from '../database.js';
import type { BenchSettings } from '../settings.js';
import { bulkCheck, measuredLoad } from './http.js';
import type { Anomalies } from './http.js';

export interface MemoryResult {
  batches: [number, number];
  rssBytes: [number, number];
}

// The service is left idle this long before its memory is read, both times alike.
const SETTLE_MS = 1000;

/**
 * Figure 6: resident memory of one service process after the first and after the second
 * checkpoint's number of small create batches, each under its own key.
 */
export async function measureMemory(
  database: BenchDatabase,
  settings: BenchSettings,
  anomalies: Anomalies,
): Promise<MemoryResult> {
  const [first, second] = settings.memoryCheckpoints;

  return withService(database, {}, async (service) => {
    const send = (requests: number) =>
      measuredLoad(
        `memory, ${requests} batches`,
        {
          baseUrl: service.baseUrl,
          connections: settings.connections,
          requests,
          deadlineMs: settings.memoryDeadlineMs,
          next: () => bulkShot(database.club, settings.memoryBatchItems),
          check: bulkCheck(settings.memoryBatchItems),
        },
        anomalies,
      );
    const settledRss = async () => {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

      return service.rssBytes();
    };

    await send(first);
    const afterFirst = await settledRss();
    await send(second - first);

    return { batches: [first, second], rssBytes: [afterFirst, await settledRss()] };
  });
}
