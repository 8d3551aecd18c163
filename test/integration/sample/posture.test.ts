// Posture as code on the sample tenant (see ../posture.ts).
import { postureScenario } from '../posture';

postureScenario('sample');
