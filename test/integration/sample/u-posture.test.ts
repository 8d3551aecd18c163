// Posture as code on the sample tenant (see ../posture.ts). Named to run after the read-only suites
// (it changes improvement-action states and resolves alerts of the one shared sample tenant) and
// before updates.test.ts, whose writes would leave it no new informational alert to match.
import { postureScenario } from '../posture';

postureScenario('sample');
