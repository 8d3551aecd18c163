// Entry of dist/cli.js (the `security-posture` bin). Exits once stdout and stderr are flushed, so
// an idle keep-alive connection cannot hold a pipeline step open.
import { main } from './main';

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  // `security-posture report | head`: the reader left; that is not a failure of ours.
  process.exit(error.code === 'EPIPE' ? 0 : 1);
});

void main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(code => {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
});
