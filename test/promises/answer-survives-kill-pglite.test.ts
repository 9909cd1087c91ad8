import { Store } from '../../src/store';
import { tempDir } from '../support/service-child';
import { copyTemplateInto } from '../support/test-store';
import { describeAnswerSurvivesKill } from './answer-survives-kill';

// Promise 1 on the embedded store: the service's DATA_DIR holds a made store (the template).
describeAnswerSurvivesKill('PGlite', async () => {
  const dir = tempDir('privacy-kill');
  await copyTemplateInto(dir);
  return { name: 'PGlite', env: { DATA_DIR: dir }, open: () => Store.open({ dataDir: dir }) };
});
