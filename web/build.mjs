// Builds the page into dist/: index.html, one JavaScript file and one CSS file (every library bundled in, so the
// page needs no network), and licenses.txt with the bundled libraries' licenses. Run by scripts/build-web.sh.
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
await mkdir(dist, { recursive: true });

await build({
  entryPoints: [join(root, 'src/main.ts')],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  outfile: join(dist, 'app.js'), // the CSS the script imports becomes app.css beside it
  legalComments: 'none', // the libraries' licenses are served whole, as /ui/licenses.txt
  banner: { js: '/* vgsales web page; bundled libraries and their licenses: /ui/licenses.txt */' },
  logLevel: 'warning',
});

for (const file of ['index.html', 'favicon.svg']) await copyFile(join(root, 'src', file), join(dist, file));

const licenseDir = join(root, 'third_party_licenses');
let licenses = 'The vgsales web page bundles these libraries, each under its own license:\n';
for (const name of (await readdir(licenseDir)).sort()) {
  licenses += `\n==== ${name.replace(/-LICENSE\.txt$/, '')} ====\n\n${await readFile(join(licenseDir, name), 'utf8')}`;
}
await writeFile(join(dist, 'licenses.txt.tmp'), licenses);
await rename(join(dist, 'licenses.txt.tmp'), join(dist, 'licenses.txt'));
