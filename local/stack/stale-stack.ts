import { spawnSync } from 'node:child_process';
import { isProcessAlive, type StackFile } from './stack-file';

/** Whether a pid is (still) the DynamoDB Local Java process, judged by its command line. */
const isDynamoDbLocalProcess = (pid: number): boolean => {
  const probe = spawnSync('ps', ['-p', String(pid), '-o', 'command='], { encoding: 'utf8' });
  return probe.status === 0 && probe.stdout.includes('DynamoDBLocal.jar');
};

/**
 * A stack killed hard (`kill -9`, a closed terminal) leaves its DynamoDB Local child running,
 * holding the port and the data files. The stack file names that child's pid, so the next start
 * stops it, after checking the pid still belongs to DynamoDB Local and not to a process that
 * reused the number. Returns whether one was stopped.
 */
export const stopOrphanedDynamoDbLocal = async (previous: StackFile): Promise<boolean> => {
  const pid = previous.dynamoDbPid;
  if (pid === undefined || isProcessAlive(previous.pid) || !isProcessAlive(pid)) return false;
  if (!isDynamoDbLocalProcess(pid)) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (isProcessAlive(pid) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
};
