// Runs the web page's unit tests (tests/web/unit/*.test.ts) with Node's test runner: each file is bundled with
// esbuild from web/node_modules (TypeScript in, one ES module out) into a temporary folder, then run.
// usage: node run_unit_tests.mjs SOURCE_DIR
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sourceDir = process.argv[2];
const require = createRequire(join(sourceDir, 'web', 'package.json'));
const { buildSync } = require('esbuild');

const unitDir = join(sourceDir, 'tests', 'web', 'unit');
const outDir = mkdtempSync(join(tmpdir(), 'vgsales-web-unit-'));
try {
  const files = readdirSync(unitDir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort();
  if (files.length === 0) throw new Error(`no *.test.ts files in ${unitDir}`);
  const outputs = files.map((name) => {
    const outfile = join(outDir, name.replace(/\.ts$/, '.mjs'));
    buildSync({
      entryPoints: [join(unitDir, name)],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile,
      nodePaths: [join(sourceDir, 'web', 'node_modules')],
      logLevel: 'warning',
    });
    return outfile;
  });
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...outputs], { stdio: 'inherit' });
  process.exitCode = run.status ?? 1;
} finally {
  rmSync(outDir, { recursive: true, force: true });
}
