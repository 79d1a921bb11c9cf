/**
 * Polls `check` until it returns something other than undefined or false, or
 * the timeout passes; the timeout error names what was awaited, the last error
 * the check threw, and (when given) the state that `state` reports.
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000, state?: () => Promise<unknown>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const seen = state ? ` (state: ${JSON.stringify(await state().catch((e: Error) => e.message))})` : '';
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message ?? String(last)}` : ''}${seen}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}
