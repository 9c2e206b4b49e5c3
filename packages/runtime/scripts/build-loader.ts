// Part of the package build (after rollup): ships the loader's C sources in dist/loader/src and
// a static loader for the host in dist/loader/<isa>/windlass-loader (with the sources' hash, so
// the runtime knows it matches them). Without a C compiler the runtime builds it on first use.
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLoader, hostIsa, loaderSourceHash } from '../src/loader-binary';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(pkg, 'loader');
const out = join(pkg, 'dist', 'loader');
mkdirSync(join(out, 'src'), { recursive: true });
for (const f of readdirSync(src).filter((n) => /\.[ch]$/.test(n))) copyFileSync(join(src, f), join(out, 'src', f));
const isa = hostIsa();
if (!isa) {
  console.log(`build-loader: no loader for ${process.arch}; shipped the sources only`);
} else {
  try {
    const exe = join(out, isa, 'windlass-loader');
    buildLoader(isa, exe, src);
    writeFileSync(`${exe}.hash`, `${loaderSourceHash(src)}\n`);
    console.log(`build-loader: ${exe}`);
  } catch (e) {
    console.log(`build-loader: ${(e as Error).message}; the runtime will build the loader on first use`);
  }
}
