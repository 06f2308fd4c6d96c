import type { DataGouv } from "../lib/client.ts";

/**
 * Dataset creations a second through the client, a few requests in flight as a publishing script keeps them: the
 * figure covers the whole write (validation, the durable commit, the answer), the sandbox on its own process.
 */
export async function creationsPerSecond(
  dg: DataGouv,
  organization: string,
  count: number,
  inFlight = 4,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const n = next++;
        await dg.datasets.create({
          title: `Bench ${n}`,
          description: "A dataset the benchmark creates.",
          organization,
        });
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}
