// A promise bounded in time: what waits on a server that stopped answering
// (a partition, a frozen host: the connection stays open, nothing comes back)
// would otherwise wait for ever. The work itself is not stopped.

/** `work`'s outcome, or a rejection with `message` once `ms` have passed. */
export async function within<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}
