/** Runs a task after every earlier task with the same key has settled. */
export type RunInTurn = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/**
 * Tasks with the same key run one after another; tasks with different keys run concurrently.
 *
 * Why: a batch can hold two deliveries of one event (a vendor retry, or a vendor's JSON and
 * form copies). Run side by side, the second meets the first one's fresh lease and must wait out
 * a whole visibility timeout before it is counted as a duplicate. Run in turn, it finds the event
 * completed and is counted at once.
 */
export const createRunInTurn = (): RunInTurn => {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task);
    tails.set(
      key,
      run.catch(() => undefined),
    );
    return run;
  };
};
