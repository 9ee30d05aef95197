import { runCommand } from './cli/run-command';
import { parseStartOptions, START_USAGE } from './cli/start-options';
import { startLocalStack } from './stack/local-stack';
import { startBanner } from './stack/start-banner';

const timestamped = (line: string): void => {
  console.log(`[local ${new Date().toISOString().slice(11, 23)}] ${line}`);
};

/**
 * A signal this soon after the first is the same request again: Ctrl+C reaches both npm and
 * this process (npm runs it with `exec`, in the terminal's process group), and npm forwards it.
 */
const REPEAT_WINDOW_MS = 1000;

/**
 * `npm start`: the whole pipeline on this machine. Prints the banner once healthy; the first
 * SIGINT/SIGTERM stops cleanly (drain, save, exit 0), a second one (a second later or more)
 * stops without draining.
 */
runCommand(async () => {
  const startedAt = Date.now();
  const options = parseStartOptions(process.argv.slice(2), process.env, process.cwd());
  if (options.help) {
    console.log(START_USAGE);
    return 0;
  }
  const stack = await startLocalStack({ ...options, env: process.env, log: timestamped });
  console.log(
    startBanner({
      info: stack.info,
      env: process.env,
      startupMs: Date.now() - startedAt,
      restored: stack.restored,
      recoveredFromCrash: stack.recoveredFromCrash,
      iamEnforced: stack.iam.enforced,
      forwardChangesUrl: options.forwardChangesUrl,
      now: new Date(),
    }),
  );
  return new Promise<number>((resolve) => {
    let signals = 0;
    let firstAt = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (signals === 1 && Date.now() - firstAt < REPEAT_WINDOW_MS) return;
      signals += 1;
      if (signals === 1) firstAt = Date.now();
      timestamped(
        signals === 1
          ? `${signal}: stopping (finishing requests, draining the queue; again to skip the drain)`
          : `${signal}: skipping the drain; saving the queues`,
      );
      stack
        .stop({ force: signals > 1 })
        .then((saved) => {
          timestamped(
            options.inMemory
              ? 'stopped (in memory: nothing kept)'
              : `stopped; saved ${saved.main} main, ${saved.dlq} DLQ, ${saved.quarantine} quarantine messages to ${options.dataDir}/sqs`,
          );
          resolve(0);
        })
        .catch((error: unknown) => {
          timestamped(`stop failed: ${error instanceof Error ? error.message : String(error)}`);
          resolve(1);
        });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
});
