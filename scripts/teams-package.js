#!/usr/bin/env node
// `npm run teams:package`: writes manifest/teams/ocean-privacy-teams.zip to sideload in Teams.
// MICROSOFT_APP_ID and PUBLIC_URL (from the environment or .env) fill the manifest's placeholders;
// PRIVACY_URL, TERMS_URL and WEBSITE_URL default to the service's own pages on PUBLIC_URL.
const fs = require('node:fs');
const path = require('node:path');
const JSZip = require('jszip');

const dir = path.resolve(__dirname, '../manifest/teams');

function readEnv() {
  const envFile = path.resolve(__dirname, '../.env');
  const env = { ...process.env };
  if (fs.existsSync(envFile)) {
    for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
      const match = /^\s*([A-Z_]+)\s*=\s*(.*)\s*$/.exec(line);
      if (match && env[match[1]] === undefined) env[match[1]] = match[2].replace(/^["']|["']$/g, '');
    }
  }
  return env;
}

/** The manifest for these settings, or the one line that says which setting is wrong. */
function teamsManifest(env) {
  const appId = env.MICROSOFT_APP_ID;
  const publicUrl = (env.PUBLIC_URL || '').replace(/\/+$/, '');
  if (!appId || !/^[0-9a-f-]{36}$/i.test(appId)) throw new Error("MICROSOFT_APP_ID must be set to the Azure Bot's app id (a GUID) to build the Teams package.");
  if (!/^https:\/\/[^/]+/.test(publicUrl)) throw new Error('PUBLIC_URL must be set to the https:// URL where the service is reached.');
  // The same defaults as src/config.ts: the pages adapters/pages.ts serves.
  const urls = {
    PRIVACY_URL: env.PRIVACY_URL || `${publicUrl}/privacy`,
    TERMS_URL: env.TERMS_URL || `${publicUrl}/terms`,
    WEBSITE_URL: env.WEBSITE_URL || `${publicUrl}/about`,
  };
  for (const [name, url] of Object.entries(urls)) {
    if (!/^https:\/\/[^/\s]+\S*$/.test(url)) throw new Error(`${name} must be an https:// URL (got "${url}").`);
  }
  const text = fs
    .readFileSync(path.join(dir, 'manifest.json'), 'utf8')
    .replaceAll('${MICROSOFT_APP_ID}', appId)
    .replaceAll('${PUBLIC_HOST}', new URL(publicUrl).host)
    .replaceAll('${PRIVACY_URL}', urls.PRIVACY_URL)
    .replaceAll('${TERMS_URL}', urls.TERMS_URL)
    .replaceAll('${WEBSITE_URL}', urls.WEBSITE_URL);
  return JSON.parse(text);
}

async function teamsPackage(env) {
  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(teamsManifest(env), null, 2)}\n`);
  zip.file('color.png', fs.readFileSync(path.join(dir, 'color.png')));
  zip.file('outline.png', fs.readFileSync(path.join(dir, 'outline.png')));
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

module.exports = { teamsManifest, teamsPackage };

if (require.main === module) {
  teamsPackage(readEnv()).then(
    (buffer) => {
      const out = path.join(dir, 'ocean-privacy-teams.zip');
      fs.writeFileSync(out, buffer);
      console.log(`Wrote ${path.relative(process.cwd(), out)}: upload it in Teams → Apps → Manage your apps → Upload an app.`);
    },
    (error) => {
      console.error(error.message);
      process.exit(1);
    },
  );
}
