/** Polls `probe` every 100 ms until it answers something, for up to `seconds`; then fails naming `what`. */
export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, seconds = 20): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
