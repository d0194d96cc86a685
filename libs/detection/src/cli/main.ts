/** Entry point of the command-line detector (built to dist/detect/main.js; `scripts/detect.sh` runs it). */
import { runCli, USAGE } from './detect';

runCli(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`detect: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err instanceof Error && /needs|must be|unknown option|several inputs/.test(err.message)) process.stderr.write(`\n${USAGE}`);
  process.exit(1);
});
