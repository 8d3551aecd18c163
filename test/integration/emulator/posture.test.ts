// Posture as code over the HTTPS emulator: the same scenario, and its write log holds exactly the
// planned writes (see ../posture.ts).
import { requestLog } from '../emulatorControl';
import { postureScenario } from '../posture';

postureScenario('emulator', {
  mark: async () => Math.max(0, ...(await requestLog()).map(r => r.seq)),
  since: async mark => (await requestLog(mark)).filter(r => (r.method === 'PATCH' || r.method === 'POST') && r.path.includes('/security/')).map(r => `${r.method} ${r.path.split('?')[0]}`),
});
