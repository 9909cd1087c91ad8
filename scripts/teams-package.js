#!/usr/bin/env node
// `npm run teams:package`: writes manifest/teams/ocean-privacy-teams.zip to sideload in Teams.
// MICROSOFT_APP_ID and PUBLIC_URL (from the environment or .env) fill the manifest's placeholders.
const fs = require('node:fs');
const path = require('node:path');
const JSZip = require('jszip');

const dir = path.resolve(__dirname, '../manifest/teams');
const envFile = path.resolve(__dirname, '../.env');
const env = { ...process.env };
if (fs.existsSync(envFile)) {
  for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
    const match = /^\s*([A-Z_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (match && env[match[1]] === undefined) env[match[1]] = match[2].replace(/^["']|["']$/g, '');
  }
}
const appId = env.MICROSOFT_APP_ID;
const publicUrl = (env.PUBLIC_URL || '').replace(/\/+$/, '');
if (!appId || !/^[0-9a-f-]{36}$/i.test(appId)) {
  console.error('MICROSOFT_APP_ID must be set to the Azure Bot\'s app id (a GUID) to build the Teams package.');
  process.exit(1);
}
if (!/^https:\/\//.test(publicUrl)) {
  console.error('PUBLIC_URL must be set to the https:// URL where the service is reached.');
  process.exit(1);
}
const manifest = fs
  .readFileSync(path.join(dir, 'manifest.json'), 'utf8')
  .replaceAll('${MICROSOFT_APP_ID}', appId)
  .replaceAll('${PUBLIC_URL}', publicUrl)
  .replaceAll('${PUBLIC_HOST}', new URL(publicUrl).host);
JSON.parse(manifest);
const zip = new JSZip();
zip.file('manifest.json', manifest);
zip.file('color.png', fs.readFileSync(path.join(dir, 'color.png')));
zip.file('outline.png', fs.readFileSync(path.join(dir, 'outline.png')));
const out = path.join(dir, 'ocean-privacy-teams.zip');
zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }).then((buffer) => {
  fs.writeFileSync(out, buffer);
  console.log(`Wrote ${path.relative(process.cwd(), out)}: upload it in Teams → Apps → Manage your apps → Upload an app.`);
});
