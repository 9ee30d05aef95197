/**
 * Sends everything written to stdout to stderr until `restore()`, and hands back a writer to the
 * real stdout. `npm run invoke` uses it like `sam local invoke`: handler logs go to stderr, the
 * result alone to stdout, so `npm run -s invoke -- … > result.json` captures just the result.
 */
export const divertStdout = (): { writeResult: (text: string) => void; restore: () => void } => {
  const original = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr);
  return {
    writeResult: (text) => {
      original.call(process.stdout, text);
    },
    restore: () => {
      process.stdout.write = original;
    },
  };
};
