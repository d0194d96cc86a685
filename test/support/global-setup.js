// Integration tests need the local services; start them (idempotent, quick when already up).
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  if (process.env.IDM_SERVICES_READY === '1') return;
  execFileSync('bash', [path.join(__dirname, '..', '..', 'scripts', 'services.sh'), 'up'], { stdio: 'inherit' });
};
