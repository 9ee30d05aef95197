/** Stops the servers `global-setup.ts` started. */
export default async function globalTeardown(): Promise<void> {
  const stops =
    (globalThis as { __localServers?: Array<() => Promise<void>> }).__localServers ?? [];
  await Promise.all(stops.map((stop) => stop()));
}
